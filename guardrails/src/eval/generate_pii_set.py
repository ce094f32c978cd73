#!/usr/bin/env python3
"""Writes the labelled PII evaluation set (pii.jsonl) of promptyard guard eval.

Every value is generated here (fixed seed), wrapped in hand-written sentences; hard negatives are
lookalikes that must not be reported: order numbers, ISBNs, 16-digit numbers failing Luhn, IBANs with
a bad checksum, UUIDs, git SHAs, version strings, dates, prices, MAC addresses, invalid SSNs.
Run: python3 guardrails/src/eval/generate_pii_set.py > guardrails/src/main/resources/io/promptyard/guardrails/eval/pii.jsonl
"""
import base64, json, random, string

R = random.Random(19)
FIRST = ["maria", "jon", "li.wei", "a.okafor", "sam_k", "priya", "t.nguyen", "lukas", "ines", "omar.h", "zoe", "k.tanaka"]
DOMAINS = ["example.com", "acme.io", "mail.co.uk", "contoso.org", "fabrikam.net", "uni-heidelberg.de", "startup.ai", "shop.fr"]

def luhn_complete(prefix, length):
    digits = [int(c) for c in prefix] + [R.randint(0, 9) for _ in range(length - len(prefix) - 1)]
    for check in range(10):
        d = digits + [check]
        s = 0
        for i, x in enumerate(reversed(d)):
            if i % 2 == 1:
                x *= 2
                x = x - 9 if x > 9 else x
            s += x
        if s % 10 == 0:
            return "".join(map(str, d))

def luhn_broken(prefix, length):
    good = luhn_complete(prefix, length)
    return good[:-1] + str((int(good[-1]) + R.randint(1, 9)) % 10)

def group(s, sizes, sep):
    out, i = [], 0
    for n in sizes:
        out.append(s[i:i + n]); i += n
    return sep.join(out)

def card():
    kind = R.choice(["visa", "mc", "amex", "disc"])
    if kind == "amex":
        n = luhn_complete(R.choice(["34", "37"]), 15); sizes = [4, 6, 5]
    else:
        pre = {"visa": "4", "mc": str(R.randint(51, 55)), "disc": "6011"}[kind]
        n = luhn_complete(pre, 16); sizes = [4, 4, 4, 4]
    return group(n, sizes, R.choice([" ", "-", ""]))

def iban_checksum(country, bban):
    rearranged = bban + country + "00"
    num = "".join(str(int(c, 36)) for c in rearranged)
    return "%02d" % (98 - int(num) % 97)

def iban(valid=True):
    country, bban = R.choice([
        ("DE", "".join(R.choices(string.digits, k=18))),
        ("GB", "".join(R.choices(string.ascii_uppercase, k=4)) + "".join(R.choices(string.digits, k=14))),
        ("NL", "".join(R.choices(string.ascii_uppercase, k=4)) + "".join(R.choices(string.digits, k=10))),
        ("FR", "".join(R.choices(string.digits, k=23))),
        ("ES", "".join(R.choices(string.digits, k=20))),
        ("BE", "".join(R.choices(string.digits, k=12))),
    ])
    check = iban_checksum(country, bban)
    if not valid:
        check = "%02d" % ((int(check) + R.randint(1, 50)) % 97 + 2)
    s = country + check + bban
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4)) if R.random() < 0.6 else s

def phone():
    return R.choice([
        lambda: "(%d) %d-%04d" % (R.choice([212, 415, 617, 312, 206, 512, 303]), R.randint(200, 989), R.randint(0, 9999)),
        lambda: "%d-%d-%04d" % (R.choice([646, 718, 408, 971, 702]), R.randint(200, 989), R.randint(0, 9999)),
        lambda: "+1 %d %d %04d" % (R.choice([213, 305, 404, 713]), R.randint(200, 989), R.randint(0, 9999)),
        lambda: "+44 20 7%03d %04d" % (R.randint(0, 999), R.randint(0, 9999)),
        lambda: "+44 7%d %06d" % (R.choice([400, 911, 824, 580]), R.randint(0, 999999)),
        lambda: "+49 30 %08d" % R.randint(10000000, 99999999),
        lambda: "+33 1 %02d %02d %02d %02d" % tuple(R.randint(10, 99) for _ in range(4)),
        lambda: "+81 3-%04d-%04d" % (R.randint(1000, 9999), R.randint(0, 9999)),
    ])()

def ipv4():
    return ".".join(str(x) for x in [R.randint(1, 223), R.randint(0, 255), R.randint(0, 255), R.randint(1, 254)])

def ipv6():
    groups = ["%x" % R.randint(0, 0xffff) for _ in range(8)]
    if R.random() < 0.5:
        return "2001:db8::" + ":".join(groups[:2])
    return ":".join(groups)

def ssn():
    area = R.choice([a for a in range(1, 900) if a != 666])
    return "%03d-%02d-%04d" % (area, R.randint(1, 99), R.randint(1, 9999))

def rand(alphabet, n):
    return "".join(R.choices(alphabet, k=n))

ALNUM = string.ascii_letters + string.digits
def secret():
    kind = R.choice(["openai", "openai-proj", "anthropic", "aws", "github", "github-pat", "jwt", "pem"])
    if kind == "openai": return "OPENAI_KEY", "sk-" + rand(ALNUM, 48)
    if kind == "openai-proj": return "OPENAI_KEY", "sk-proj-" + rand(ALNUM + "_-", 120)
    if kind == "anthropic": return "ANTHROPIC_KEY", "sk-ant-api03-" + rand(ALNUM + "_-", 93) + "AA"
    if kind == "aws": return "AWS_ACCESS_KEY", R.choice(["AKIA", "ASIA"]) + rand(string.ascii_uppercase + "234567", 16)
    if kind == "github": return "GITHUB_TOKEN", R.choice(["ghp_", "gho_", "ghs_", "ghu_"]) + rand(ALNUM, 36)
    if kind == "github-pat": return "GITHUB_TOKEN", "github_pat_" + rand(ALNUM, 22) + "_" + rand(ALNUM, 59)
    if kind == "jwt":
        b64 = lambda o: base64.urlsafe_b64encode(json.dumps(o).encode()).decode().rstrip("=")
        header = {"alg": R.choice(["HS256", "RS256", "ES256"]), "typ": "JWT"}
        payload = {"sub": str(R.randint(1000, 99999)), "name": R.choice(FIRST), "iat": R.randint(1600000000, 1800000000)}
        return "JWT", b64(header) + "." + b64(payload) + "." + rand(ALNUM + "_-", 43)
    body = "\n".join(rand(ALNUM + "+/", 64) for _ in range(R.randint(3, 6)))
    label = R.choice(["", "RSA ", "EC ", "OPENSSH "])
    return "PRIVATE_KEY", "-----BEGIN %sPRIVATE KEY-----\n%s\n-----END %sPRIVATE KEY-----" % (label, body, label)

POSITIVE = {
    "EMAIL": (lambda: "%s@%s" % (R.choice(FIRST), R.choice(DOMAINS)), [
        "Please reply to {v} with the signed contract.", "Customer wrote from {v}: the parcel never arrived.",
        "Contact: {v}", "cc {v} on the thread, she owns the budget.", "My address is {v}, thanks!",
        "Forwarded message from <{v}> about the refund.", "Send the summary to {v}."]),
    "PHONE": (phone, [
        "Call me back on {v} after 5pm.", "Phone: {v}", "The client's mobile is {v}, reachable weekdays.",
        "You can reach our hotline at {v}.", "Left a voicemail, number was {v}.", "Tel. {v} (office)"]),
    "CARD": (card, [
        "My card number is {v}, expiry 09/27.", "Charge {v} for the renewal please.", "card: {v}",
        "The customer read out {v} over the phone.", "Refund to the Visa ending in the number {v}."]),
    "IBAN": (iban, [
        "Please wire the deposit to {v}.", "IBAN: {v}", "Our bank details changed, new account {v}.",
        "Pay the invoice into {v} by Friday.", "Beneficiary account {v} (Deutsche Bank)."]),
    "IP_ADDRESS": (lambda: ipv4() if R.random() < 0.65 else ipv6(), [
        "The login came from {v} at 03:12.", "Block {v} in the firewall.", "Server address: {v}",
        "Requests from {v} spiked yesterday.", "ssh into {v} and restart the job."]),
    "SSN": (ssn, [
        "SSN {v}, date of birth 1984.", "Applicant social security number: {v}.", "Her SSN is {v}.",
        "Tax form lists {v} as the employee's number."]),
}
SECRET_TEMPLATES = ["Here is my key {v} - why does the call fail?", "export TOKEN={v}", "config: api_key = \"{v}\"",
                    "Authorization: Bearer {v}", "The leaked credential was {v}, rotate it.", "{v}"]

NEGATIVE = [
    lambda: "Order #%d shipped on %s." % (R.randint(1000000000, 9999999999), date()),
    lambda: "Your order number is %d; keep it for returns." % R.randint(10**9, 10**10 - 1),
    lambda: "Invoice no. %d is overdue." % R.randint(10**8, 10**9),
    lambda: "ISBN 978-%d-%02d-%06d-%d is out of print." % (R.randint(0, 9), R.randint(10, 99), R.randint(0, 999999), R.randint(0, 9)),
    lambda: "See ISBN %d%d for the second edition." % (R.randint(10**8, 10**9 - 1), R.randint(0, 9)),
    lambda: "Reference %s failed the check digit test." % group(luhn_broken("4", 16), [4, 4, 4, 4], R.choice([" ", "-", ""])),
    lambda: "Serial %s is not a card." % luhn_broken(R.choice(["51", "4", "6011"]), 16),
    lambda: "The IBAN %s was rejected by the bank (bad checksum)." % iban(valid=False),
    lambda: "Request id %s timed out." % uuid(),
    lambda: "Fixed in commit %s." % rand("0123456789abcdef", 40),
    lambda: "Short sha %s broke the build." % rand("0123456789abcdef", 7),
    lambda: "Upgrade to version %d.%d.%d.%d before Monday." % (R.randint(1, 9), R.randint(0, 20), R.randint(0, 9), R.randint(0, 99)),
    lambda: "We run v%d.%d.%d in production." % (R.randint(1, 9), R.randint(0, 20), R.randint(0, 30)),
    lambda: "The meeting moved to %s at %02d:%02d:%02d." % (date(), R.randint(0, 23), R.randint(0, 59), R.randint(0, 59)),
    lambda: "Price: $%d,%03d.%02d excluding VAT." % (R.randint(1, 99), R.randint(0, 999), R.randint(0, 99)),
    lambda: "Total %d.%02d EUR for %d items." % (R.randint(10, 9999), R.randint(0, 99), R.randint(1, 50)),
    lambda: "The city has %d,%03d,%03d inhabitants." % (R.randint(1, 9), R.randint(0, 999), R.randint(0, 999)),
    lambda: "Device MAC %s went offline." % ":".join("%02X" % R.randint(0, 255) for _ in range(6)),
    lambda: "Coordinates %.4f, %.4f." % (R.uniform(-90, 90), R.uniform(-180, 180)),
    lambda: "Invalid SSN %03d-%02d-%04d was rejected." % (R.choice([0, 666, R.randint(900, 999)]), R.randint(1, 99), R.randint(1, 9999)),
    lambda: "Placeholder SSN %03d-00-%04d in the test data." % (R.randint(1, 665), R.randint(1, 9999)),
    lambda: "The address 999.%d.%d.%d is not valid." % (R.randint(0, 255), R.randint(0, 255), R.randint(0, 255)),
    lambda: "We use sk-learn and scikit-learn for the model.",
    lambda: "AWS keys start with AKIA, never paste them here.",
    lambda: "Tracking number 1Z%s%d." % (rand(string.ascii_uppercase + string.digits, 8), R.randint(10**7, 10**8)),
    lambda: "Ticket %s-%d assigned to the platform team." % (R.choice(["OPS", "INC", "JIRA"]), R.randint(100, 99999)),
    lambda: "Write to us at support (at) the company domain.",
    lambda: "Room %d, building %d, extension %d." % (R.randint(100, 999), R.randint(1, 20), R.randint(1000, 9999)),
    lambda: "The OID 1.3.6.1.4.1.%d identifies the vendor." % R.randint(1000, 60000),
    lambda: "Batch %d processed %d records in %d ms." % (R.randint(10**5, 10**6), R.randint(10**6, 10**7), R.randint(100, 9999)),
    lambda: "Base64 of the logo: %s" % base64.b64encode(bytes(R.randint(0, 255) for _ in range(30))).decode(),
    lambda: "Zip code %05d, account tier %d." % (R.randint(10000, 99999), R.randint(1, 5)),
    lambda: "Employee id E%07d joined in %d." % (R.randint(0, 9999999), R.randint(1990, 2026)),
]

def date():
    return R.choice(["%d-%02d-%02d", "%d/%02d/%02d"]) % (R.randint(2019, 2026), R.randint(1, 12), R.randint(1, 28))

def uuid():
    h = rand("0123456789abcdef", 32)
    return "-".join([h[:8], h[8:12], h[12:16], h[16:20], h[20:]])

cases = []
for kind, (make, templates) in POSITIVE.items():
    for i in range(30 if kind != "SSN" else 24):
        v = make()
        cases.append({"text": R.choice(templates).format(v=v), "expected": [{"type": kind, "value": v}]})
for i in range(40):
    t, v = secret()
    cases.append({"text": R.choice(SECRET_TEMPLATES).format(v=v), "expected": [{"type": t, "value": v}]})
for i in range(20):  # two kinds and a hard negative in one text
    e = "%s@%s" % (R.choice(FIRST), R.choice(DOMAINS)); c = card()
    cases.append({"text": "Ticket INC-%d: customer %s paid with %s on %s, order #%d." % (R.randint(100, 9999), e, c, date(), R.randint(10**9, 10**10 - 1)),
                  "expected": [{"type": "EMAIL", "value": e}, {"type": "CARD", "value": c}]})
negatives = []
while len(negatives) < 150:
    t = R.choice(NEGATIVE)()
    if t not in negatives:
        negatives.append(t)
cases += [{"text": t, "expected": []} for t in negatives]
R.shuffle(cases)
for i, c in enumerate(cases):
    print(json.dumps({"id": "pii-%03d" % (i + 1), **c}, ensure_ascii=False))

package io.promptyard.guardrails.pii;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import io.promptyard.guardrails.Detector;
import io.promptyard.guardrails.Finding;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.validator.routines.CreditCardValidator;
import org.apache.commons.validator.routines.EmailValidator;
import org.apache.commons.validator.routines.IBANValidator;
import org.apache.commons.validator.routines.InetAddressValidator;

/**
 * Finds personal data and secrets in a text: candidates by pattern, each confirmed by the check its
 * kind has (Luhn and issuer ranges for cards, the IBAN checksum, libphonenumber's numbering plans,
 * address syntax, the SSA's rules for SSNs). Where two findings overlap, the more specific kind
 * wins (a secret over a card over a phone number). Thread-safe.
 */
public final class PiiDetector {

  private static final Pattern EMAIL =
      Pattern.compile("(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
  private static final Pattern CARD =
      Pattern.compile("(?<![\\d-])\\d(?:[ -]?\\d){11,18}(?![\\d-])");
  private static final Pattern IBAN_START = Pattern.compile("\\b[A-Z]{2}\\d{2}(?=[ ]?[A-Z0-9])");
  private static final Pattern IPV4 =
      Pattern.compile("(?<![\\w.])(?:\\d{1,3}\\.){3}\\d{1,3}(?![\\w]|\\.\\d)");
  private static final Pattern IPV6 =
      Pattern.compile("(?<![\\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\\w:])");
  private static final Pattern SSN =
      Pattern.compile("(?<![\\d-])(\\d{3})([- ])(\\d{2})\\2(\\d{4})(?![\\d-])");
  private static final Pattern SSN_UNFORMATTED =
      Pattern.compile(
          "(?i)(?:ssn|social security(?: number)?|soc\\. sec\\.)\\D{0,12}(?<![\\d-])(\\d{3})(\\d{2})(\\d{4})(?!\\d)");

  /** Words just before a digit run that make it an identifier of something else. */
  private static final Pattern NOT_A_PHONE_BEFORE =
      Pattern.compile(
          "(?i)(?:order|invoice|ticket|tracking|isbn|ref|reference|account|acct|po|sku|case|id|serial|batch|no|nr|#)"
              + "(?:\\s*(?:number|no\\.?|nr|id|#))?(?:\\s+(?:is|was))?[\\s.:#-]{0,3}$");

  private static final List<Detector> PRIORITY =
      List.of(
          Detector.SECRET,
          Detector.CARD,
          Detector.IBAN,
          Detector.SSN,
          Detector.EMAIL,
          Detector.IP,
          Detector.PHONE);

  private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
  private final PhoneDigits phoneDigits = new PhoneDigits(phones);
  private final CreditCardValidator cards =
      new CreditCardValidator(
          CreditCardValidator.AMEX
              + CreditCardValidator.VISA
              + CreditCardValidator.MASTERCARD
              + CreditCardValidator.DISCOVER
              + CreditCardValidator.DINERS);
  private final IBANValidator ibans = IBANValidator.getInstance();
  private final InetAddressValidator addresses = InetAddressValidator.getInstance();
  private final EmailValidator emails = EmailValidator.getInstance(false, true);
  private final SecretDetector secrets = new SecretDetector();

  /**
   * Every finding in {@code text} of the detectors in {@code enabled}, in text order, none
   * overlapping another; phone numbers without a country code follow {@code phoneRegion}'s plan.
   */
  public List<Finding> find(String text, Set<Detector> enabled, String phoneRegion) {
    List<Finding> all = new ArrayList<>();
    // Every kind is looked for, enabled or not, so that a disabled kind still shadows the less
    // specific kinds under it (a card number is not also reported as a phone number).
    // The patterns below scan the whole text; each kind is looked for only where the text has the
    // shape every match of its pattern has (most prompts have few digits, or none).
    DigitShapes shapes = DigitShapes.of(text);
    all.addAll(secrets.find(text));
    if (shapes.longestSpacedRun() >= 12) {
      findCards(text, all);
    }
    if (shapes.ibanStart()) {
      findIbans(text, all);
    }
    if (shapes.longestSpacedRun() >= 9) {
      findSsns(text, all);
    }
    findEmails(text, all);
    findAddresses(text, shapes.dottedQuad(), all);
    if (phoneDigits.mayHoldNumber(text, phoneRegion)) {
      findPhones(text, phoneRegion, all);
    }
    all.sort(
        Comparator.comparingInt((Finding f) -> PRIORITY.indexOf(f.detector()))
            .thenComparingInt(Finding::start));
    List<Finding> kept = new ArrayList<>();
    for (Finding f : all) {
      if (kept.stream().noneMatch(f::overlaps)) {
        kept.add(f);
      }
    }
    return kept.stream()
        .filter(f -> enabled.contains(f.detector()))
        .sorted(Comparator.comparingInt(Finding::start))
        .toList();
  }

  private void findCards(String text, List<Finding> out) {
    Matcher m = CARD.matcher(text);
    while (m.find()) {
      String digits = m.group().replaceAll("[ -]", "");
      if (cards.isValid(digits)) {
        out.add(new Finding(Detector.CARD, "CARD", m.start(), m.end(), 0.95));
      }
    }
  }

  private void findIbans(String text, List<Finding> out) {
    Matcher m = IBAN_START.matcher(text);
    while (m.find()) {
      IBANValidator.Validator country = ibans.getValidator(m.group().substring(0, 2));
      if (country == null) {
        continue;
      }
      // Gather the country's length of letters and digits, allowing single spaces between them.
      StringBuilder iban = new StringBuilder();
      int i = m.start();
      while (i < text.length() && iban.length() < country.getIbanLength()) {
        char c = text.charAt(i);
        if (Character.isDigit(c) || (c >= 'A' && c <= 'Z')) {
          iban.append(c);
        } else if (c != ' ' || i + 1 >= text.length() || text.charAt(i + 1) == ' ') {
          break;
        }
        i++;
      }
      boolean endsThere = i >= text.length() || !Character.isLetterOrDigit(text.charAt(i));
      if (endsThere && ibans.isValid(iban.toString())) {
        out.add(new Finding(Detector.IBAN, "IBAN", m.start(), i, 0.97));
      }
    }
  }

  private static void findSsns(String text, List<Finding> out) {
    Matcher m = SSN.matcher(text);
    while (m.find()) {
      if (issuable(m.group(1), m.group(3), m.group(4))) {
        out.add(
            new Finding(
                Detector.SSN, "SSN", m.start(), m.end(), m.group(2).equals("-") ? 0.9 : 0.75));
      }
    }
    m = SSN_UNFORMATTED.matcher(text);
    while (m.find()) {
      if (issuable(m.group(1), m.group(2), m.group(3))) {
        out.add(new Finding(Detector.SSN, "SSN", m.start(1), m.end(3), 0.85));
      }
    }
  }

  /** The SSA never issues area 000, 666 or 900–999, group 00 or serial 0000. */
  private static boolean issuable(String area, String group, String serial) {
    int a = Integer.parseInt(area);
    return a != 0 && a != 666 && a < 900 && !group.equals("00") && !serial.equals("0000");
  }

  private void findEmails(String text, List<Finding> out) {
    if (text.indexOf('@') < 0) {
      return;
    }
    Matcher m = EMAIL.matcher(text);
    while (m.find()) {
      String candidate = m.group();
      // A sentence's full stop is not part of the domain.
      int end = m.end();
      while (candidate.endsWith(".")) {
        candidate = candidate.substring(0, candidate.length() - 1);
        end--;
      }
      if (emails.isValid(candidate)) {
        out.add(new Finding(Detector.EMAIL, "EMAIL", m.start(), end, 0.98));
      }
    }
  }

  private void findAddresses(String text, boolean dottedQuad, List<Finding> out) {
    Matcher m = IPV4.matcher(dottedQuad ? text : "");
    while (m.find()) {
      if (addresses.isValidInet4Address(m.group()) && !versionBefore(text, m.start())) {
        out.add(new Finding(Detector.IP, "IP_ADDRESS", m.start(), m.end(), 0.9));
      }
    }
    m = IPV6.matcher(text.indexOf(':') < 0 ? "" : text);
    while (m.find()) {
      String candidate = m.group();
      if (candidate.chars().filter(c -> c == ':').count() >= 2
          && candidate.chars().anyMatch(Character::isLetterOrDigit)
          && addresses.isValidInet6Address(candidate)) {
        out.add(new Finding(Detector.IP, "IP_ADDRESS", m.start(), m.end(), 0.9));
      }
    }
  }

  /** "version 1.2.3.4", "v1.2.3.4": a four-part version number, not an address. */
  private static boolean versionBefore(String text, int start) {
    String before = text.substring(Math.max(0, start - 9), start).toLowerCase(Locale.ROOT);
    return before.matches("(?s).*(?:version\\s?|v|ver\\.?\\s?|release\\s?|build\\s?)$");
  }

  private void findPhones(String text, String region, List<Finding> out) {
    for (PhoneNumberMatch match :
        phones.findNumbers(text, region, PhoneNumberUtil.Leniency.VALID, Long.MAX_VALUE)) {
      int start = match.start();
      String before = text.substring(Math.max(0, start - 24), start);
      if (NOT_A_PHONE_BEFORE.matcher(before).find()) {
        continue;
      }
      double score = match.rawString().startsWith("+") ? 0.9 : 0.8;
      out.add(new Finding(Detector.PHONE, "PHONE", start, match.end(), score));
    }
  }
}

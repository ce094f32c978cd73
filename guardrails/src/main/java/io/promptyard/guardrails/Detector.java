package io.promptyard.guardrails;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** A detector a guard policy can turn off or set to flag, redact or block. */
public enum Detector {
  EMAIL,
  PHONE,
  CARD,
  IBAN,
  IP,
  SSN,
  /** API keys and tokens: OpenAI, Anthropic, AWS access keys, GitHub tokens, JWTs, PEM keys. */
  SECRET,
  INJECTION;

  /** The detector's name in a policy and in verdicts, e.g. {@code email}. */
  public String policyName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The detector a policy names, if there is one. */
  public static Optional<Detector> byPolicyName(String name) {
    return Arrays.stream(values()).filter(d -> d.policyName().equals(name)).findFirst();
  }

  /** Every policy name, for error messages. */
  public static String policyNames() {
    return Arrays.stream(values()).map(Detector::policyName).collect(Collectors.joining(", "));
  }
}

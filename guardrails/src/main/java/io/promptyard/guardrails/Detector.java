package io.promptyard.guardrails;

import java.util.Arrays;
import java.util.Locale;
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

  /**
   * The detector a policy names; an unknown name fails with the names it could be.
   *
   * @param where the policy, for the message: {@code unknown detector 'x' in WHERE (known: …)}
   */
  public static Detector byPolicyName(String name, String where) {
    return Arrays.stream(values())
        .filter(d -> d.policyName().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown detector '"
                        + name
                        + "' in "
                        + where
                        + " (known: "
                        + policyNames()
                        + ")"));
  }

  /** Every policy name, for error messages. */
  public static String policyNames() {
    return Arrays.stream(values()).map(Detector::policyName).collect(Collectors.joining(", "));
  }
}

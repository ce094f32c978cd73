package io.promptyard.guardrails;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a guard does with a detector's findings, from least to most severe: nothing, note them on
 * the result, replace them with placeholders, or reject the request.
 */
public enum Action {
  OFF,
  FLAG,
  REDACT,
  BLOCK;

  /** The action's name in a policy and in verdicts, e.g. {@code redact}. */
  public String policyName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The action a policy names; an unknown name fails with the names it could be. */
  public static Action byPolicyName(String name, String where) {
    return Arrays.stream(values())
        .filter(a -> a.policyName().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown action '"
                        + name
                        + "' for "
                        + where
                        + " (one of "
                        + Arrays.stream(values())
                            .map(Action::policyName)
                            .collect(Collectors.joining(", "))
                        + ")"));
  }
}

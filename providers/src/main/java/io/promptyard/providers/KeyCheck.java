package io.promptyard.providers;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a check of one API key found, by the key's id ({@link ApiKeyPool#keyId}), never the key: the
 * adapter asks the provider's cheapest authenticated question (its models list) with the key at
 * start, so that a revoked key or an exhausted account shows before a job is spent on it.
 *
 * @param provider the provider's name in the catalog
 * @param keyId the key's id, or {@link #NO_KEY} for a provider called without a key
 * @param detail what the provider answered or why nothing was checked, redacted by the pool
 */
public record KeyCheck(String provider, String keyId, Status status, String detail) {

  /** The key id of a check made without a key (a local server that needs none). */
  public static final String NO_KEY = "none";

  /** What the provider made of the key. */
  public enum Status {
    /** The provider accepted the key (or, without a key, answered). */
    VALID,
    /** The provider refused the key (HTTP 401/403, an invalid or revoked key). */
    REFUSED,
    /** The key authenticates, but its account is out of quota or credit. */
    QUOTA_EXHAUSTED,
    /** No answer that says anything about the key: no connection, a timeout, a 5xx, a 429. */
    UNREACHABLE,
    /**
     * The provider cannot be called as configured: no key is set though it needs one, a key file
     * cannot be read, an option is invalid.
     */
    NOT_CONFIGURED,
    /** The adapter has no cheap check for its credentials, or the answer did not tell. */
    NOT_CHECKED;

    /** Whether a key with this status can serve no call: refused, out of quota or missing. */
    public boolean unusable() {
      return this == REFUSED || this == QUOTA_EXHAUSTED || this == NOT_CONFIGURED;
    }
  }

  public KeyCheck {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(status, "status");
    detail = detail == null ? "" : detail;
  }

  /** The one check of a provider whose adapter has no check of its credentials. */
  public static KeyCheck notChecked(String provider, String why) {
    return new KeyCheck(provider, NO_KEY, Status.NOT_CHECKED, why);
  }

  /**
   * The checks of one provider's keys by the adapter {@code adapter} builds; a provider whose
   * adapter cannot be built (no key set, an unreadable key file, an invalid option) gets one
   * NOT_CONFIGURED check saying why, in the adapter factory's words (which name variables and
   * files, never a key).
   */
  public static List<KeyCheck> run(String provider, Supplier<ChatProvider> adapter) {
    ChatProvider built;
    try {
      built = adapter.get();
    } catch (RuntimeException e) {
      return List.of(new KeyCheck(provider, NO_KEY, Status.NOT_CONFIGURED, e.getMessage()));
    }
    try {
      return List.copyOf(built.checkKeys());
    } catch (RuntimeException e) {
      return List.of(
          notChecked(
              provider,
              // only the class: an unexpected exception's message was not redacted
              "the check failed: " + e.getClass().getSimpleName()));
    }
  }

  /** Whether every check in {@code checks} found its key unusable (and there is at least one). */
  public static boolean noneUsable(List<KeyCheck> checks) {
    return !checks.isEmpty() && checks.stream().allMatch(c -> c.status().unusable());
  }

  /** The line an operator reads: provider, key id, status and detail, tab-separated. */
  public String line() {
    List<String> parts = new ArrayList<>(List.of(provider, keyId, status.name()));
    if (!detail.isEmpty()) {
      parts.add(detail);
    }
    return String.join("\t", parts);
  }
}

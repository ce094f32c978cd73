package io.promptyard.worker.ratelimit;

import io.promptyard.catalog.ProviderSpec;

/**
 * A provider's rate limits as the catalog states them in its {@code options}: {@code
 * requestsPerMinute} and {@code tokensPerMinute} for the provider as a whole, {@code
 * requestsPerMinutePerKey} and {@code tokensPerMinutePerKey} for each of its API keys; 0 (or
 * absent) means unlimited.
 */
public record ProviderLimits(
    long requestsPerMinute,
    long tokensPerMinute,
    long requestsPerMinutePerKey,
    long tokensPerMinutePerKey) {

  /** No limits. */
  public static final ProviderLimits UNLIMITED = new ProviderLimits(0, 0);

  public ProviderLimits {
    if (requestsPerMinute < 0
        || tokensPerMinute < 0
        || requestsPerMinutePerKey < 0
        || tokensPerMinutePerKey < 0) {
      throw new IllegalArgumentException(
          "rate limits cannot be negative: "
              + requestsPerMinute
              + " requests/min, "
              + tokensPerMinute
              + " tokens/min, per key "
              + requestsPerMinutePerKey
              + " requests/min, "
              + tokensPerMinutePerKey
              + " tokens/min");
    }
  }

  /** Limits of the provider as a whole, none per key. */
  public ProviderLimits(long requestsPerMinute, long tokensPerMinute) {
    this(requestsPerMinute, tokensPerMinute, 0, 0);
  }

  /** True when each API key has limits of its own. */
  public boolean perKey() {
    return requestsPerMinutePerKey > 0 || tokensPerMinutePerKey > 0;
  }

  /**
   * The limits in a catalog provider's options; fails naming the provider and option when one is
   * not a number.
   */
  public static ProviderLimits of(ProviderSpec spec) {
    return new ProviderLimits(
        option(spec, "requestsPerMinute"),
        option(spec, "tokensPerMinute"),
        option(spec, "requestsPerMinutePerKey"),
        option(spec, "tokensPerMinutePerKey"));
  }

  private static long option(ProviderSpec spec, String key) {
    String v = spec.option(key, "0").trim();
    try {
      long n = Long.parseLong(v);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "catalog provider "
              + spec.name()
              + ": option "
              + key
              + "='"
              + v
              + "' must be a whole number of at least 0 (0 or absent = unlimited)");
    }
  }
}

package io.promptyard.worker.ratelimit;

import io.promptyard.providers.catalog.ProviderSpec;

/**
 * A provider's rate limits as the catalog states them in its {@code options}: {@code requestsPerMinute} and
 * {@code tokensPerMinute}; 0 (or absent) means unlimited.
 */
public record ProviderLimits(long requestsPerMinute, long tokensPerMinute) {

  /** No limits. */
  public static final ProviderLimits UNLIMITED = new ProviderLimits(0, 0);

  public ProviderLimits {
    if (requestsPerMinute < 0 || tokensPerMinute < 0) {
      throw new IllegalArgumentException("rate limits cannot be negative: " + requestsPerMinute + " requests/min, "
          + tokensPerMinute + " tokens/min");
    }
  }

  /** The limits in a catalog provider's options; fails naming the provider and option when one is not a number. */
  public static ProviderLimits of(ProviderSpec spec) {
    return new ProviderLimits(option(spec, "requestsPerMinute"), option(spec, "tokensPerMinute"));
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
      throw new IllegalArgumentException("catalog provider " + spec.name() + ": option " + key + "='" + v
          + "' must be a whole number of at least 0 (0 or absent = unlimited)");
    }
  }
}

package io.promptyard.providers;

import java.time.Duration;

/**
 * What a provider's response headers said about its rate limits; any field may be null when not
 * sent.
 *
 * @param retryAfter how long the provider asked us to wait (Retry-After), on a 429 or 503
 */
public record RateLimits(
    Long limitRequests,
    Long remainingRequests,
    Duration resetRequests,
    Long limitTokens,
    Long remainingTokens,
    Duration resetTokens,
    Duration retryAfter) {

  /** Nothing known. */
  public static final RateLimits UNKNOWN = new RateLimits(null, null, null, null, null, null, null);
}

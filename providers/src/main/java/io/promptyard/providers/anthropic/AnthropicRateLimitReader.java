package io.promptyard.providers.anthropic;

import io.promptyard.providers.RateLimitHeaders;
import io.promptyard.providers.RateLimits;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Reads Anthropic's {@code anthropic-ratelimit-*} response headers
 * (https://docs.claude.com/en/api/rate-limits#response-headers), whose reset times are RFC 3339
 * instants rather than OpenAI's durations, and {@code retry-after}, into {@link RateLimits}.
 */
final class AnthropicRateLimitReader {

  private static final String PREFIX = "anthropic-ratelimit-";

  private AnthropicRateLimitReader() {}

  static RateLimits read(HttpHeaders headers, Instant now) {
    // anthropic-ratelimit-tokens-* is "the most restrictive limit currently in effect"; where only
    // the input and output token headers are sent, the one with fewer tokens left is the one that
    // will bite first.
    String tokens = "tokens";
    if (headers.firstValue(PREFIX + "tokens-remaining").isEmpty()) {
      Long input = count(headers, "input-tokens-remaining");
      Long output = count(headers, "output-tokens-remaining");
      tokens =
          output != null && (input == null || output < input) ? "output-tokens" : "input-tokens";
    }
    return new RateLimits(
        count(headers, "requests-limit"),
        count(headers, "requests-remaining"),
        untilReset(headers, "requests-reset", now),
        count(headers, tokens + "-limit"),
        count(headers, tokens + "-remaining"),
        untilReset(headers, tokens + "-reset", now),
        // retry-after in seconds (or retry-after-ms, or an HTTP date), parsed as for every provider
        RateLimitHeaders.parse(headers).retryAfter());
  }

  private static Long count(HttpHeaders headers, String name) {
    return RateLimitHeaders.count(headers, PREFIX + name);
  }

  /** How long until an RFC 3339 reset time, never negative; null when absent or unreadable. */
  private static Duration untilReset(HttpHeaders headers, String name, Instant now) {
    return headers
        .firstValue(PREFIX + name)
        .map(String::trim)
        .map(
            v -> {
              try {
                Duration d = Duration.between(now, OffsetDateTime.parse(v).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
              } catch (DateTimeParseException e) {
                return null;
              }
            })
        .orElse(null);
  }
}

package io.promptyard.providers;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code x-ratelimit-*}, {@code Retry-After} and {@code retry-after-ms} response headers
 * that OpenAI and many OpenAI-compatible providers send into {@link RateLimits}; unparseable values
 * become null.
 */
public final class RateLimitHeaders {

  // One element of a Go-style duration such as "1h2m3.5s" or "20ms", the format OpenAI uses for
  // reset times: https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers
  private static final Pattern DURATION_PART =
      Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
  private static final Pattern DURATION =
      Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:ns|us|µs|ms|s|m|h))++");
  private static final Pattern PLAIN_SECONDS = Pattern.compile("\\d+(?:\\.\\d+)?");

  private RateLimitHeaders() {}

  /**
   * Reads the rate-limit headers of one response; absent or unparseable headers give null fields.
   */
  public static RateLimits parse(HttpHeaders headers) {
    return new RateLimits(
        count(headers, "x-ratelimit-limit-requests"),
        count(headers, "x-ratelimit-remaining-requests"),
        duration(headers.firstValue("x-ratelimit-reset-requests").orElse(null)),
        count(headers, "x-ratelimit-limit-tokens"),
        count(headers, "x-ratelimit-remaining-tokens"),
        duration(headers.firstValue("x-ratelimit-reset-tokens").orElse(null)),
        retryAfter(headers, Instant.now()));
  }

  /**
   * How long to wait before retrying: {@code retry-after-ms} when present (more precise, sent by
   * OpenAI and Azure OpenAI), else {@code Retry-After} in seconds or as an HTTP date relative to
   * {@code now}.
   */
  static Duration retryAfter(HttpHeaders headers, Instant now) {
    Duration millis =
        headers
            .firstValue("retry-after-ms")
            .map(String::trim)
            .filter(v -> PLAIN_SECONDS.matcher(v).matches())
            .map(v -> nanos(new BigDecimal(v).movePointRight(6)))
            .orElse(null);
    if (millis != null) {
      return millis;
    }
    String value = headers.firstValue("retry-after").map(String::trim).orElse(null);
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (PLAIN_SECONDS.matcher(value).matches()) {
      return seconds(value);
    }
    try {
      Duration until =
          Duration.between(
              now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      return until.isNegative() ? Duration.ZERO : until;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * Parses a reset time such as {@code 1s}, {@code 6m0s}, {@code 20ms} or {@code 1h2m3.5s}; a bare
   * number is seconds. Returns null when the text is none of these.
   */
  public static Duration duration(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    if (PLAIN_SECONDS.matcher(t).matches()) {
      return seconds(t);
    }
    if (!DURATION.matcher(t).matches()) {
      return null;
    }
    BigDecimal nanos = BigDecimal.ZERO;
    Matcher m = DURATION_PART.matcher(t);
    while (m.find()) {
      nanos =
          nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(nanosPer(m.group(2)))));
    }
    return nanos(nanos);
  }

  private static long nanosPer(String unit) {
    return switch (unit) {
      case "ns" -> 1L;
      case "us", "µs" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      case "h" -> 3_600_000_000_000L;
      default -> throw new IllegalArgumentException(unit);
    };
  }

  private static Duration seconds(String text) {
    return nanos(new BigDecimal(text).movePointRight(9));
  }

  /** Null when the value does not fit a long number of nanoseconds (about 292 years). */
  private static Duration nanos(BigDecimal nanos) {
    try {
      return Duration.ofNanos(nanos.setScale(0, RoundingMode.HALF_UP).longValueExact());
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /** The whole number in header {@code name}; null when it is absent or not a whole number. */
  public static Long count(HttpHeaders headers, String name) {
    return headers
        .firstValue(name)
        .map(String::trim)
        .map(
            v -> {
              try {
                return Long.valueOf(v);
              } catch (NumberFormatException e) {
                return null;
              }
            })
        .orElse(null);
  }
}

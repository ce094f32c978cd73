package io.promptyard.testkit.provider;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Requests-per-minute and tokens-per-minute limits, each a bucket that refills continuously over a
 * minute, which is how OpenAI describes its limits
 * (https://platform.openai.com/docs/guides/rate-limits).
 */
final class RateLimiter {

  private static final long NANOS_PER_MINUTE = 60_000_000_000L;

  /** Whether a request may go on, with the rate-limit headers to send either way. */
  sealed interface Decision {
    Map<String, String> headers();

    record Admitted(Map<String, String> headers) implements Decision {}

    record Rejected(Map<String, String> headers, ApiError error, long retryAfterNanos)
        implements Decision {}
  }

  private final Bucket requests;
  private final Bucket tokens;
  private final LongSupplier nanoClock;

  /** A limit of 0 is no limit. */
  RateLimiter(long requestsPerMinute, long tokensPerMinute, LongSupplier nanoClock) {
    long now = nanoClock.getAsLong();
    this.requests = requestsPerMinute > 0 ? new Bucket(requestsPerMinute, now) : null;
    this.tokens = tokensPerMinute > 0 ? new Bucket(tokensPerMinute, now) : null;
    this.nanoClock = nanoClock;
  }

  /**
   * Takes one request and {@code tokenCost} tokens if both buckets hold enough; otherwise takes
   * nothing.
   */
  synchronized Decision acquire(String model, long tokenCost) {
    long now = nanoClock.getAsLong();
    long requestWait = requests == null ? 0 : requests.refill(now).nanosUntil(1);
    long tokenWait = tokens == null ? 0 : tokens.refill(now).nanosUntil(tokenCost);
    if (requestWait > 0) {
      String message = message(model, "requests per min (RPM)", requests, 1, requestWait);
      return new Decision.Rejected(
          headers(), ApiError.rateLimited(message, "requests"), Math.max(requestWait, tokenWait));
    }
    if (tokenWait > 0) {
      String message = message(model, "tokens per min (TPM)", tokens, tokenCost, tokenWait);
      return new Decision.Rejected(headers(), ApiError.rateLimited(message, "tokens"), tokenWait);
    }
    if (requests != null) {
      requests.take(1);
    }
    if (tokens != null) {
      tokens.take(tokenCost);
    }
    return new Decision.Admitted(headers());
  }

  private static String message(
      String model, String limit, Bucket bucket, long requested, long waitNanos) {
    String prefix = requested > bucket.capacity ? "Request too large" : "Rate limit reached";
    return prefix
        + " for "
        + model
        + " on "
        + limit
        + ": Limit "
        + bucket.capacity
        + ", Used "
        + (bucket.capacity - bucket.remaining())
        + ", Requested "
        + requested
        + ". Please try again in "
        + OpenAiDuration.format(ceilMillis(waitNanos))
        + ".";
  }

  private Map<String, String> headers() {
    Map<String, String> headers = new LinkedHashMap<>();
    if (requests != null) {
      headers.put("x-ratelimit-limit-requests", Long.toString(requests.capacity));
      headers.put("x-ratelimit-remaining-requests", Long.toString(requests.remaining()));
      headers.put(
          "x-ratelimit-reset-requests",
          OpenAiDuration.format(ceilMillis(requests.nanosUntilFull())));
    }
    if (tokens != null) {
      headers.put("x-ratelimit-limit-tokens", Long.toString(tokens.capacity));
      headers.put("x-ratelimit-remaining-tokens", Long.toString(tokens.remaining()));
      headers.put(
          "x-ratelimit-reset-tokens", OpenAiDuration.format(ceilMillis(tokens.nanosUntilFull())));
    }
    return headers;
  }

  static long ceilMillis(long nanos) {
    return (nanos + 999_999) / 1_000_000;
  }

  /** Holds up to a minute's allowance and refills it evenly over the minute. */
  private static final class Bucket {
    final long capacity;
    private final double perNano;
    private double level;
    private long lastRefill;

    Bucket(long perMinute, long now) {
      this.capacity = perMinute;
      this.perNano = (double) perMinute / NANOS_PER_MINUTE;
      this.level = perMinute;
      this.lastRefill = now;
    }

    Bucket refill(long now) {
      level = Math.min(capacity, level + (now - lastRefill) * perNano);
      lastRefill = now;
      return this;
    }

    /**
     * 0 when {@code amount} is there now; for more than the capacity, the time until the bucket is
     * full.
     */
    long nanosUntil(long amount) {
      if (amount > capacity) {
        return Math.max(1, nanosUntilFull());
      }
      return level >= amount ? 0 : (long) Math.ceil((amount - level) / perNano);
    }

    long nanosUntilFull() {
      return (long) Math.ceil((capacity - level) / perNano);
    }

    void take(long amount) {
      level -= amount;
    }

    long remaining() {
      return (long) Math.floor(level);
    }
  }
}

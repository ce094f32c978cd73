package io.promptyard.worker.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link RateLimiter} behaves, fixed at start-up.
 *
 * @param maxInPlaceWait the longest a call waits for its turn; a longer wait is refused with {@code
 *     RATE_LIMITED} and the time to come back, so the job can be parked instead of holding a slot
 * @param keyPrefix the prefix of every Redis key the limiter writes
 * @param heartbeat how often a worker tells Redis it is alive (and, while degraded, checks whether
 *     Redis is back); a worker not heard of for three heartbeats no longer counts towards the fair
 *     share
 * @param headroom the share of each limit's burst (a minute of allowance) left unused: the
 *     limiter's buckets refill at the provider's rate but hold that much less, so that the
 *     provider's bucket keeps that many units of slack for calls arriving a little out of the order
 *     and spacing they were admitted in
 * @param fairShare whether teams waiting for the same provider share its limit by weight (see
 *     {@link RateLimiter}); off, turns go in the order calls ask for them
 */
public record RateLimiterSettings(
    Duration maxInPlaceWait,
    String keyPrefix,
    Duration heartbeat,
    double headroom,
    boolean fairShare) {

  /** The key prefix of the shared limits. */
  public static final String DEFAULT_PREFIX = "promptyard:ratelimit:";

  public RateLimiterSettings {
    Objects.requireNonNull(maxInPlaceWait, "maxInPlaceWait");
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    if (heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("heartbeat must be positive, got " + heartbeat);
    }
    if (!(headroom >= 0 && headroom < 0.5)) {
      throw new IllegalArgumentException("headroom must be in [0, 0.5), got " + headroom);
    }
  }

  /** The default prefix, a 2 s heartbeat, 2% headroom and fair shares. */
  public static RateLimiterSettings defaults(Duration maxInPlaceWait) {
    return new RateLimiterSettings(
        maxInPlaceWait, DEFAULT_PREFIX, Duration.ofSeconds(2), 0.02, true);
  }

  public RateLimiterSettings withKeyPrefix(String prefix) {
    return new RateLimiterSettings(maxInPlaceWait, prefix, heartbeat, headroom, fairShare);
  }

  public RateLimiterSettings withHeartbeat(Duration every) {
    return new RateLimiterSettings(maxInPlaceWait, keyPrefix, every, headroom, fairShare);
  }

  public RateLimiterSettings withHeadroom(double share) {
    return new RateLimiterSettings(maxInPlaceWait, keyPrefix, heartbeat, share, fairShare);
  }

  public RateLimiterSettings withFairShare(boolean on) {
    return new RateLimiterSettings(maxInPlaceWait, keyPrefix, heartbeat, headroom, on);
  }
}

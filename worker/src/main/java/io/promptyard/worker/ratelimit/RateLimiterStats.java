package io.promptyard.worker.ratelimit;

/**
 * A snapshot of what a {@link RateLimiter} has done, for metrics and health: whether it is running
 * on its local fair share because Redis is unreachable, and counters since start.
 *
 * @param degraded true while Redis is unreachable and this worker limits itself to its share
 * @param liveWorkers the workers sharing the limits, as last seen in Redis (frozen while degraded)
 * @param admitted calls let through
 * @param waited calls that waited in place before going
 * @param waitedMillis total time calls waited in place
 * @param refused calls refused because the wait would have been longer than a job waits in place
 * @param holds times a provider's 429 or Retry-After held every worker
 * @param fallbacks switches to the local limiter
 * @param recoveries switches back to Redis
 */
public record RateLimiterStats(
    boolean degraded,
    long liveWorkers,
    long admitted,
    long waited,
    long waitedMillis,
    long refused,
    long holds,
    long fallbacks,
    long recoveries) {}

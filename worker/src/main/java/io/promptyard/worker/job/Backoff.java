package io.promptyard.worker.job;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with full jitter (a random wait between zero and base·2^attempt, capped),
 * which spreads retries of many jobs instead of synchronising them; a provider's Retry-After wins
 * when longer.
 *
 * @param base the cap of the first wait
 * @param max the longest wait done in place; longer waits are not done in place
 */
public record Backoff(Duration base, Duration max) {

  /** The wait before retry number {@code attempt} (1-based), honouring the provider's advice. */
  public Duration delay(int attempt, Duration retryAfter) {
    long cap = Math.min(max.toMillis(), base.toMillis() << Math.min(attempt - 1, 20));
    long jittered = ThreadLocalRandom.current().nextLong(cap + 1);
    long wait = retryAfter == null ? jittered : Math.max(jittered, retryAfter.toMillis());
    return Duration.ofMillis(wait);
  }
}

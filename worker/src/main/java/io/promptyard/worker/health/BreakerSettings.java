package io.promptyard.worker.health;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.time.Clock;
import java.time.Duration;

/**
 * How the worker's circuit breakers judge a provider.
 *
 * @param failureRatePercent share of provider-side failures (in percent) at which a circuit opens
 * @param minimumCalls calls in the window before the failure rate is judged at all
 * @param window how far back calls are counted (a time-based sliding window)
 * @param waitInOpenState how long an open circuit refuses calls before it lets trial calls through
 * @param halfOpenCalls trial calls a half-open circuit lets through to decide between closing and
 *     opening
 * @param perModel whether each provider/model gets a circuit of its own besides the provider's
 */
public record BreakerSettings(
    float failureRatePercent,
    int minimumCalls,
    Duration window,
    Duration waitInOpenState,
    int halfOpenCalls,
    boolean perModel) {

  public BreakerSettings {
    if (!(failureRatePercent > 0 && failureRatePercent <= 100)) {
      throw new IllegalArgumentException(
          "failure rate threshold must be above 0 and at most 100 percent, was "
              + failureRatePercent);
    }
    if (minimumCalls < 1 || halfOpenCalls < 1) {
      throw new IllegalArgumentException("minimum calls and half-open calls must be at least 1");
    }
    if (window.toSeconds() < 1 || waitInOpenState.isNegative() || waitInOpenState.isZero()) {
      throw new IllegalArgumentException(
          "the window must be at least a second and the open wait positive");
    }
  }

  /**
   * 50% failures over at least 20 calls in 30 s open a circuit for 30 s; 5 trial calls; per-model
   * circuits on.
   */
  public static BreakerSettings defaults() {
    return new BreakerSettings(50, 20, Duration.ofSeconds(30), Duration.ofSeconds(30), 5, true);
  }

  /**
   * The resilience4j configuration these settings stand for, built once per guard. Which calls
   * count as failures is decided by {@link CircuitBreakerGuard}, which reports each call's verdict
   * explicitly.
   */
  CircuitBreakerConfig circuitBreakerConfig(Clock clock) {
    return CircuitBreakerConfig.custom()
        .failureRateThreshold(failureRatePercent)
        .slidingWindowType(SlidingWindowType.TIME_BASED)
        .slidingWindowSize((int) window.toSeconds())
        .minimumNumberOfCalls(minimumCalls)
        .waitDurationInOpenState(waitInOpenState)
        .permittedNumberOfCallsInHalfOpenState(halfOpenCalls)
        // A trial call whose permit is never handed back (a job interrupted mid-call, a bug in an
        // adapter) must not leave the circuit half-open for ever: after this long it opens again
        // and retries later.
        .maxWaitDurationInHalfOpenState(waitInOpenState)
        // Slow calls are normal for LLMs; latency is published for the router instead of tripping
        // circuits.
        .slowCallRateThreshold(100)
        .slowCallDurationThreshold(Duration.ofDays(1))
        .clock(clock)
        .build();
  }
}

package io.promptyard.testkit.provider;

import java.util.Optional;
import java.util.Random;

/** Decides, from a seeded sequence, which admitted requests fail and how long each one waits. */
final class FaultInjector {

  private final double errorRate;
  private final LatencyDistribution latency;
  private final Random failures;
  private final Random delays;

  FaultInjector(double errorRate, LatencyDistribution latency, long seed) {
    this.errorRate = errorRate;
    this.latency = latency;
    // Separate sequences, so turning latency on does not change which requests fail.
    this.failures = new Random(seed);
    this.delays = new Random(seed ^ 0x5DEECE66DL);
  }

  /** A 500 or a 503, for about {@code errorRate} of the calls. */
  synchronized Optional<ApiError> nextFailure() {
    if (errorRate == 0.0 || failures.nextDouble() >= errorRate) {
      return Optional.empty();
    }
    return Optional.of(failures.nextBoolean() ? ApiError.serverError() : ApiError.overloaded());
  }

  synchronized long nextDelayMillis() {
    return Math.max(0, latency.sampleMillis(delays));
  }
}

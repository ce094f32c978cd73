package io.promptyard.testkit.provider;

import java.util.Random;

/** Decides, from a seeded sequence, which admitted requests fail and how long each one waits. */
final class FaultInjector {

  private final double errorRate;
  private final FaultMix mix;
  private final LatencyDistribution latency;
  private final Random failures;
  private final Random delays;

  FaultInjector(double errorRate, FaultMix mix, LatencyDistribution latency, long seed) {
    this.errorRate = errorRate;
    this.mix = mix;
    this.latency = latency;
    // Separate sequences, so turning latency on does not change which requests fail.
    this.failures = new Random(seed);
    this.delays = new Random(seed ^ 0x5DEECE66DL);
  }

  /** What happens to the next admitted request. */
  sealed interface Fault {
    /** Answer normally. */
    record None() implements Fault {}

    /** Answer with this error. */
    record Fails(ApiError error) implements Fault {}

    /** Wait this long before doing anything else. */
    record Hangs(long millis) implements Fault {}
  }

  /**
   * A 500 or a 503 for about {@code errorRate} of the calls, a 400 for about {@code
   * badRequestRate}, a hang for about {@code hangRate}; one draw per request so the shares do not
   * overlap.
   */
  synchronized Fault next() {
    if (errorRate == 0.0 && mix.badRequestRate() == 0.0 && mix.hangRate() == 0.0) {
      return new Fault.None();
    }
    double draw = failures.nextDouble();
    if (draw < errorRate) {
      return new Fault.Fails(
          failures.nextBoolean() ? ApiError.serverError() : ApiError.overloaded());
    }
    if (draw < errorRate + mix.badRequestRate()) {
      return new Fault.Fails(
          ApiError.invalidValue("temperature", "the simulator rejects this request on purpose."));
    }
    if (draw < errorRate + mix.badRequestRate() + mix.hangRate()) {
      return new Fault.Hangs(mix.hangMillis());
    }
    return new Fault.None();
  }

  synchronized long nextDelayMillis() {
    return Math.max(0, latency.sampleMillis(delays));
  }
}

package io.promptyard.testkit.provider;

/**
 * Failures beyond the 500/503 of {@link SimulatorConfig#errorRate()}: requests answered 400 as
 * invalid, and requests that hang (no response headers) for {@code hangMillis} before answering,
 * which a client with a shorter first-byte timeout sees as a timeout. Rates are shares of admitted
 * requests, drawn from the seeded sequence, and together with the error rate must not exceed 1.
 */
public record FaultMix(double badRequestRate, double hangRate, long hangMillis) {

  /** No extra failures. */
  public static final FaultMix NONE = new FaultMix(0.0, 0.0, 0);

  public FaultMix {
    if (!(badRequestRate >= 0.0 && badRequestRate <= 1.0)) {
      throw new IllegalArgumentException(
          "badRequestRate must be between 0.0 and 1.0, got " + badRequestRate);
    }
    if (!(hangRate >= 0.0 && hangRate <= 1.0)) {
      throw new IllegalArgumentException("hangRate must be between 0.0 and 1.0, got " + hangRate);
    }
    if (hangMillis < 0) {
      throw new IllegalArgumentException("hangMillis must be >= 0, got " + hangMillis);
    }
  }
}

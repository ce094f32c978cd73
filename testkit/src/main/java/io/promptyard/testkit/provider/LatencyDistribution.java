package io.promptyard.testkit.provider;

import java.util.Random;

/**
 * How long the simulated provider waits before it answers, as a distribution of delays in
 * milliseconds.
 */
public sealed interface LatencyDistribution {

  /** Draws one delay in milliseconds. */
  long sampleMillis(Random random);

  /** No delay at all. */
  static LatencyDistribution none() {
    return new None();
  }

  /** The same delay every time. */
  static LatencyDistribution fixed(long millis) {
    return new Fixed(millis);
  }

  /** A delay drawn uniformly between the two bounds, both inclusive. */
  static LatencyDistribution uniform(long minMillis, long maxMillis) {
    return new Uniform(minMillis, maxMillis);
  }

  /**
   * A long-tailed delay, the shape real LLM latencies have, given its median and 99th percentile.
   */
  static LatencyDistribution logNormal(long medianMillis, long p99Millis) {
    return new LogNormal(medianMillis, p99Millis);
  }

  /** Answers immediately. */
  record None() implements LatencyDistribution {
    @Override
    public long sampleMillis(Random random) {
      return 0;
    }
  }

  /** Fails unless {@code high} is at least {@code low}; the names are the record components'. */
  private static void requireOrdered(String lowName, long low, String highName, long high) {
    if (high < low) {
      throw new IllegalArgumentException(
          "latency " + highName + " must be >= " + lowName + " (" + low + "), got " + high);
    }
  }

  /** Always waits {@code millis}. */
  record Fixed(long millis) implements LatencyDistribution {
    public Fixed {
      if (millis < 0) {
        throw new IllegalArgumentException("latency millis must be >= 0, got " + millis);
      }
    }

    @Override
    public long sampleMillis(Random random) {
      return millis;
    }
  }

  /** Waits between {@code minMillis} and {@code maxMillis}, uniformly. */
  record Uniform(long minMillis, long maxMillis) implements LatencyDistribution {
    public Uniform {
      if (minMillis < 0) {
        throw new IllegalArgumentException("latency minMillis must be >= 0, got " + minMillis);
      }
      requireOrdered("minMillis", minMillis, "maxMillis", maxMillis);
    }

    @Override
    public long sampleMillis(Random random) {
      return minMillis + random.nextLong(maxMillis - minMillis + 1);
    }
  }

  /** Waits a log-normally distributed time with the given median and 99th percentile. */
  record LogNormal(long medianMillis, long p99Millis) implements LatencyDistribution {
    /** The standard normal quantile at 0.99, which ties p99 to sigma. */
    private static final double Z_99 = 2.3263478740408408;

    public LogNormal {
      if (medianMillis <= 0) {
        throw new IllegalArgumentException("latency medianMillis must be > 0, got " + medianMillis);
      }
      requireOrdered("medianMillis", medianMillis, "p99Millis", p99Millis);
    }

    @Override
    public long sampleMillis(Random random) {
      double mu = Math.log(medianMillis);
      double sigma = (Math.log(p99Millis) - mu) / Z_99;
      return Math.round(Math.exp(mu + sigma * random.nextGaussian()));
    }
  }
}

package io.promptyard.bench;

import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Submit-to-result latencies in milliseconds (up to an hour, to three significant digits), and the
 * percentiles every benchmark reports of them. Not thread-safe: record from the thread that
 * collects the results.
 */
final class Latencies {

  private final Histogram histogram = new Histogram(3_600_000L, 3);

  /** One result's latency; under 1 ms counts as 1 ms, the histogram's lowest value. */
  void record(long millis) {
    histogram.recordValue(Math.max(1, millis));
  }

  /** Puts {@code p50_ms} and {@code p99_ms} into {@code figures}. */
  void putPercentiles(Map<String, Object> figures) {
    figures.put("p50_ms", histogram.getValueAtPercentile(50));
    figures.put("p99_ms", histogram.getValueAtPercentile(99));
  }

  /** The latency at {@code percentile} (0–100), in milliseconds. */
  long percentileMillis(double percentile) {
    return histogram.getValueAtPercentile(percentile);
  }

  long count() {
    return histogram.getTotalCount();
  }

  long maxMillis() {
    return histogram.getMaxValue();
  }
}

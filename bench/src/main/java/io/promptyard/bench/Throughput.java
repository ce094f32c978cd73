package io.promptyard.bench;

import java.util.Arrays;

/**
 * Jobs per second of a run from the times its results arrived.
 *
 * @param overall results divided by the time from the first submission to the last result
 * @param steady the results between the 10th and the 90th percentile of arrival times divided by
 *     the time between those two arrivals: the rate once the pipeline is full and before it drains
 */
record Throughput(double overall, double steady) {

  /**
   * @param startNanos when the first request was submitted
   * @param arrivalNanos when each result arrived, in any order (same clock as {@code startNanos})
   */
  static Throughput of(long startNanos, long[] arrivalNanos) {
    int n = arrivalNanos.length;
    if (n == 0) {
      return new Throughput(0, 0);
    }
    long[] sorted = arrivalNanos.clone();
    Arrays.sort(sorted);
    double overall = n / seconds(sorted[n - 1] - startNanos);
    int from = n / 10;
    int to = Math.max(from, (int) Math.ceil(n * 0.9) - 1);
    double steady = to == from ? overall : (to - from) / seconds(sorted[to] - sorted[from]);
    return new Throughput(overall, steady);
  }

  private static double seconds(long nanos) {
    return Math.max(1, nanos) / 1e9;
  }
}

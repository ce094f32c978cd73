package io.promptyard.bench;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one process of the pipeline used during a run, as {@code bench pipeline-external} reports
 * it.
 *
 * @param name the process's name in the figures: {@code broker}, {@code router}, {@code worker},
 *     {@code simulator}, {@code bench}
 * @param cpuNanos CPU time, user and system, used between the first submission and the last result
 * @param peakRssKb peak resident set over the process's life, where {@code /proc} tells it
 * @param gc the process's GC log, for the JVMs the benchmark started
 */
record ProcessUsage(String name, long cpuNanos, OptionalLong peakRssKb, Optional<GcLog> gc) {

  /** CPU milliseconds per job: CPU time divided by the results of the run. */
  static double cpuMillisPerJob(long cpuNanos, long jobs) {
    return jobs == 0 ? 0 : cpuNanos / 1e6 / jobs;
  }

  /** Puts this process's figures into {@code figures}, each key starting with its name. */
  void putInto(Map<String, Object> figures, long jobs) {
    figures.put(name + "_cpu_s", Figures.round(cpuNanos / 1e9, 2));
    figures.put(name + "_cpu_ms_per_job", Figures.round(cpuMillisPerJob(cpuNanos, jobs), 3));
    peakRssKb.ifPresent(kb -> figures.put(name + "_peak_rss_mb", kb / 1024));
    gc.ifPresent(
        g -> {
          figures.put(name + "_heap_peak_mb", g.heapPeakMb());
          figures.put(name + "_heap_committed_mb", g.heapCommittedMb());
          figures.put(name + "_gc_pauses", g.pauses());
          figures.put(name + "_gc_pause_ms", Math.round(g.pauseMillis()));
        });
  }
}

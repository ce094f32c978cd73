package io.promptyard.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** CPU time used so far, for benchmarks that report where the machine's cores went. */
final class CpuTime {

  private CpuTime() {}

  /** The name Kafka Streams gives its stream threads, and no other thread. */
  private static final String STREAM_THREADS = "-StreamThread-";

  /**
   * CPU nanoseconds the process and its Kafka Streams threads had used at one moment, to measure
   * the stretch of a run that follows it.
   */
  record Reading(long processNanos, long streamThreadNanos) {

    /** Before any reading: what follows it is all the CPU used so far. */
    static final Reading ZERO = new Reading(0, 0);

    static Reading now() {
      return new Reading(process(), threadsNamed(STREAM_THREADS));
    }

    /** Seconds of CPU the process used since this reading. */
    double processSecondsSince() {
      return (process() - processNanos) / 1e9;
    }

    /** Seconds of CPU the live stream threads used since this reading. */
    double streamThreadSecondsSince() {
      return (threadsNamed(STREAM_THREADS) - streamThreadNanos) / 1e9;
    }
  }

  /** Nanoseconds of CPU the whole process has used. */
  static long process() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Nanoseconds of CPU used by the live threads whose name contains {@code part}. */
  private static long threadsNamed(String part) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().contains(part)) {
        sum += Math.max(0, threads.getThreadCpuTime(t.threadId()));
      }
    }
    return sum;
  }

  /** CPU nanoseconds per live platform thread id, to diff against a later {@link #perThread()}. */
  static Map<Long, long[]> perThread() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<Long, long[]> out = new HashMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      out.put(t.threadId(), new long[] {Math.max(0, threads.getThreadCpuTime(t.threadId()))});
    }
    return out;
  }

  /**
   * CPU milliseconds used between two snapshots, per thread group (names with their digits taken
   * out, so the eight broker request handlers are one group; virtual threads show as their
   * carriers, {@code ForkJoinPool-#-worker-#}), largest first, the groups under 1% of the total
   * folded into "other".
   */
  static Map<String, Long> byGroupMillis(Map<Long, long[]> before) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Long> groups = new TreeMap<>();
    long total = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      long now = Math.max(0, threads.getThreadCpuTime(t.threadId()));
      long[] then = before.get(t.threadId());
      long used = now - (then == null ? 0 : then[0]);
      if (used > 0) {
        String group =
            t.getName().replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "*").replaceAll("\\d+", "#");
        groups.merge(group, used, Long::sum);
        total += used;
      }
    }
    long threshold = total / 100;
    Map<String, Long> out = new LinkedHashMap<>();
    long other = 0;
    for (Map.Entry<String, Long> e :
        groups.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .toList()) {
      if (e.getValue() >= threshold) {
        out.put(e.getKey(), e.getValue() / 1_000_000);
      } else {
        other += e.getValue();
      }
    }
    out.put("other", other / 1_000_000);
    return out;
  }
}

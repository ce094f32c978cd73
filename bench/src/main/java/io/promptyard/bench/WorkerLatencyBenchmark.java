package io.promptyard.bench;

import io.promptyard.cli.bench.Benchmark;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.testkit.provider.LatencyDistribution;
import io.promptyard.testkit.provider.SimulatorConfig;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * One worker against a provider that takes 2 s per call, no rate limit: how many jobs per second it sustains,
 * how many calls it keeps in flight (Little's law: throughput × latency), and how much heap that takes.
 */
public final class WorkerLatencyBenchmark implements Benchmark {

  private final int jobs = Integer.getInteger("promptyard.bench.jobs", 20_000);
  private final long latencyMs = Long.getLong("promptyard.bench.latencyMs", 2_000);
  private final int consumers = Integer.getInteger("promptyard.bench.consumers", 8);
  private final int maxPoll = Integer.getInteger("promptyard.bench.maxPoll", 500);

  @Override
  public String name() {
    return "worker-latency";
  }

  @Override
  public String description() {
    return "one worker, provider latency 2 s: sustained jobs/s, calls in flight, heap";
  }

  @Override
  public Map<String, Object> run(PrintWriter log) throws Exception {
    SimulatorConfig sim = SimulatorConfig.defaults().withLatency(LatencyDistribution.fixed(latencyMs));
    Map<String, String> settings = Map.of("PROMPTYARD_WORKER_CONSUMERS", Integer.toString(consumers),
        "PROMPTYARD_WORKER_MAX_POLL_RECORDS", Integer.toString(maxPoll));
    try (WorkerRig rig = new WorkerRig(sim, 12, settings)) {
      log.printf("worker-latency: %d jobs, provider latency %d ms, %d consumers × %d records per poll…%n", jobs, latencyMs,
          consumers, maxPoll);
      log.flush();
      rig.publish("warmup", 500, "bench", i -> "warm-up question " + i);
      rig.collect("warmup", 500, Duration.ofMinutes(2), (r, ms) -> { });
      System.gc();
      AtomicLong peakHeap = new AtomicLong();
      Thread sampler = Thread.ofPlatform().daemon().start(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          peakHeap.accumulateAndGet(heapUsed(), Math::max);
          try {
            Thread.sleep(100);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      Histogram latency = new Histogram(3_600_000L, 3);
      AtomicInteger ok = new AtomicInteger();
      long start = System.nanoTime();
      long[] last = {start};
      rig.publish("run", jobs, "bench", i -> "distinct question number " + i);
      var results = rig.collect("run", jobs, Duration.ofMinutes(10), (r, ms) -> {
        latency.recordValue(Math.max(1, ms));
        last[0] = System.nanoTime();
        if (r.getStatus() == ResultStatus.SUCCEEDED) {
          ok.incrementAndGet();
        }
      });
      sampler.interrupt();
      double seconds = (last[0] - start) / 1e9;
      double throughput = results.size() / seconds;
      double configured = (double) consumers * maxPoll;
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("benchmark", name());
      f.put("jobs", jobs);
      f.put("results", results.size());
      f.put("succeeded", ok.get());
      f.put("provider_latency_ms", latencyMs);
      f.put("configured_concurrency", (long) configured);
      f.put("jobs_per_second", Math.round(throughput));
      f.put("in_flight_littles_law", Math.round(throughput * latencyMs / 1000.0));
      f.put("littles_law_ceiling_jobs_per_second", Math.round(configured / (latencyMs / 1000.0)));
      f.put("share_of_ceiling", Math.round(1000 * throughput / (configured / (latencyMs / 1000.0))) / 1000.0);
      f.put("p50_ms", latency.getValueAtPercentile(50));
      f.put("p99_ms", latency.getValueAtPercentile(99));
      f.put("peak_heap_mb", peakHeap.get() / (1024 * 1024));
      f.put("provider_calls", rig.simulator().requestsServed());
      return f;
    }
  }

  private static long heapUsed() {
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        used += pool.getUsage().getUsed();
      }
    }
    return used;
  }
}

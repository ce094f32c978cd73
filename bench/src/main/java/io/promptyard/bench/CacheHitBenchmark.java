package io.promptyard.bench;

import io.promptyard.testkit.provider.SimulatorConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every job asks what an earlier one asked: jobs per second and latency when every request is
 * served from the cache (Redis on 127.0.0.1:6379 when it answers, else the in-memory cache, as the
 * figures say). A warm-up of {@code promptyard.bench.warmup} jobs (60,000) comes first: the broker,
 * the clients and the worker share one JVM on two cores, and the JIT compiler takes a fifth of the
 * CPU for the first 40 s or so.
 */
public final class CacheHitBenchmark extends NamedBenchmark {

  private static final String QUESTION = "the one question everybody asks";

  private final int jobs = Integer.getInteger("promptyard.bench.jobs", 100_000);
  private final int warmup = Integer.getInteger("promptyard.bench.warmup", 60_000);

  public CacheHitBenchmark() {
    super("cache-hit", "jobs/s and p99 latency when every request is a cache hit");
  }

  @Override
  void measure(Map<String, Object> f, PrintWriter log) throws Exception {
    Map<String, String> settings =
        Map.of(
            "PROMPTYARD_WORKER_CONSUMERS",
            Integer.toString(Integer.getInteger("promptyard.bench.consumers", 8)),
            "PROMPTYARD_WORKER_MAX_POLL_RECORDS",
            Integer.toString(Integer.getInteger("promptyard.bench.maxPoll", 500)));
    try (WorkerRig rig = new WorkerRig(SimulatorConfig.defaults(), 12, settings)) {
      log.printf("cache-hit: %d jobs, cache in %s…%n", jobs, rig.usesRedis() ? "Redis" : "memory");
      rig.publish("prime", 1, i -> QUESTION);
      rig.collect("prime", 1, Duration.ofMinutes(1), (r, ms) -> {});
      rig.warmUp(warmup, i -> QUESTION);
      long callsBefore = rig.simulator().requestsServed();
      Latencies latency = new Latencies();
      AtomicInteger cached = new AtomicInteger();
      long start = System.nanoTime();
      long[] last = {start};
      int results =
          rig.run(
              "run",
              jobs,
              i -> QUESTION,
              Duration.ofMinutes(5),
              (r, ms) -> {
                latency.record(ms);
                last[0] = System.nanoTime();
                if (r.getCached()) {
                  cached.incrementAndGet();
                }
              });
      double seconds = (last[0] - start) / 1e9;
      f.put("cache", rig.usesRedis() ? "redis" : "in-memory");
      f.put("jobs", jobs);
      f.put("results", results);
      f.put("cache_hits", cached.get());
      f.put("provider_calls_during_run", rig.simulator().requestsServed() - callsBefore);
      f.put("jobs_per_second", Math.round(results / seconds));
      latency.putPercentiles(f);
    }
  }
}

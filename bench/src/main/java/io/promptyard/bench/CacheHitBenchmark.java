package io.promptyard.bench;

import io.promptyard.testkit.provider.SimulatorConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every job asks what an earlier one asked: jobs per second and latency when every request is
 * served from the cache (Redis on 127.0.0.1:6379 when it answers, else the in-memory cache, as the
 * figures say). A warm-up of {@code promptyard.bench.warmup} jobs (60,000) comes first: the broker,
 * the clients and the worker share one JVM on two cores, and the JIT compiler takes a fifth of the
 * CPU for the first 40 s or so.
 */
public final class CacheHitBenchmark extends NamedBenchmark {

  private final int jobs = Integer.getInteger("promptyard.bench.jobs", 100_000);
  private final int warmup = Integer.getInteger("promptyard.bench.warmup", 60_000);

  public CacheHitBenchmark() {
    super("cache-hit", "jobs/s and p99 latency when every request is a cache hit");
  }

  @Override
  public Map<String, Object> run(PrintWriter log) throws Exception {
    Optional<String> redisUrl = WorkerRig.benchRedis();
    boolean redis = redisUrl.isPresent();
    Map<String, String> settings =
        new LinkedHashMap<>(
            Map.of(
                "PROMPTYARD_WORKER_CONSUMERS",
                    Integer.toString(Integer.getInteger("promptyard.bench.consumers", 8)),
                "PROMPTYARD_WORKER_MAX_POLL_RECORDS",
                    Integer.toString(Integer.getInteger("promptyard.bench.maxPoll", 500))));
    if (redis) {
      settings.put("PROMPTYARD_REDIS_URL", redisUrl.get());
    }
    String team = "cache-bench-" + System.nanoTime();
    try (WorkerRig rig = new WorkerRig(SimulatorConfig.defaults(), 12, settings)) {
      log.printf("cache-hit: %d jobs, cache in %s…%n", jobs, redis ? "Redis" : "memory");
      log.flush();
      rig.publish("prime", 1, team, i -> "the one question everybody asks");
      rig.collect("prime", 1, Duration.ofMinutes(1), (r, ms) -> {});
      rig.publish("warmup", warmup, team, i -> "the one question everybody asks");
      rig.await("warmup", warmup, Duration.ofMinutes(5), (r, ms) -> {});
      long callsBefore = rig.simulator().requestsServed();
      Latencies latency = new Latencies();
      AtomicInteger cached = new AtomicInteger();
      long start = System.nanoTime();
      long[] last = {start};
      rig.publish("run", jobs, team, i -> "the one question everybody asks");
      int results =
          rig.await(
              "run",
              jobs,
              Duration.ofMinutes(5),
              (r, ms) -> {
                latency.record(ms);
                last[0] = System.nanoTime();
                if (r.getCached()) {
                  cached.incrementAndGet();
                }
              });
      double seconds = (last[0] - start) / 1e9;
      Map<String, Object> f = figures();
      f.put("cache", redis ? "redis" : "in-memory");
      f.put("jobs", jobs);
      f.put("results", results);
      f.put("cache_hits", cached.get());
      f.put("provider_calls_during_run", rig.simulator().requestsServed() - callsBefore);
      f.put("jobs_per_second", Math.round(results / seconds));
      latency.putPercentiles(f);
      return f;
    } finally {
      if (redis) {
        WorkerRig.forgetTeam(team);
      }
    }
  }
}

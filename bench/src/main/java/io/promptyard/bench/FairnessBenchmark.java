package io.promptyard.bench;

import io.promptyard.testkit.provider.SimulatorConfig;
import io.promptyard.worker.cache.CacheInvalidation;
import io.promptyard.worker.ratelimit.RateLimiterSettings;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One worker, a simulated provider answering at once under a shared limit of {@code
 * promptyard.bench.rpm} requests a minute (kept by the worker's rate limiter): team A submits
 * {@code promptyard.bench.backlog} jobs, then team B {@code promptyard.bench.jobs}. B's completion
 * time (from its first job's submission to its last result) against its fair-share ideal (B's jobs
 * over the limit's rate times B's share, a half) and against the first-come order, in which B waits
 * for A's backlog: computed from the limit, and measured with fair shares off (team partitions and
 * fair shares both off) up to {@code promptyard.bench.baselineSeconds}. The run stops when B is
 * done, not waiting for A. Each run starts by removing the simulated provider's buckets from the
 * local Redis.
 */
public final class FairnessBenchmark extends NamedBenchmark {

  private final int rpm = Integer.getInteger("promptyard.bench.rpm", 6_000);
  private final int backlog = Integer.getInteger("promptyard.bench.backlog", 50_000);
  private final int jobs = Integer.getInteger("promptyard.bench.jobs", 500);
  private final int baselineSeconds = Integer.getInteger("promptyard.bench.baselineSeconds", 90);
  private final int partitions = 6;

  /**
   * The default 1,000 places in flight as 20 polls of 50, not 4 of 250: a share consumer fetches
   * nothing new while a job of its last poll waits for its turn (docs/WORKER.md), so small polls
   * keep some consumer fetching.
   */
  private static final int CONSUMERS = 20;

  private static final int POLL = 50;

  public FairnessBenchmark() {
    super(
        "fairness",
        "team A's 50,000 jobs then team B's 500 under one 6,000 requests/min limit: B's completion time against its fair share and first-come order");
  }

  @Override
  void measure(Map<String, Object> f, PrintWriter log) throws Exception {
    double rate = rpm / 60.0;
    double ideal = jobs / (rate * 0.5);
    String run = UUID.randomUUID().toString().substring(0, 8);
    String a = "fair-a-" + run;
    String b = "fair-b-" + run;
    log.printf(
        "fairness: %d jobs of team A, then %d of team B, limit %d requests/min, %d partitions…%n",
        backlog, jobs, rpm, partitions);
    // A's and B's partitions set apart, as an operator does (docs/WORKER.md); fair shares on.
    Run fair =
        run(
            Map.of(
                "PROMPTYARD_TEAM_PARTITIONS_BY_TEAM",
                a + "=4@0," + b + "=2@4",
                "PROMPTYARD_WORKER_FAIR_SHARE",
                "true",
                "PROMPTYARD_WORKER_CONSUMERS",
                Integer.toString(CONSUMERS),
                "PROMPTYARD_WORKER_MAX_POLL_RECORDS",
                Integer.toString(POLL)),
            a,
            b,
            Duration.ofMinutes(5),
            log);
    log.printf(
        "fairness: with fair shares, B done in %.1f s (%d of %d)%n", fair.seconds, fair.done, jobs);
    Run firstCome =
        baselineSeconds <= 0
            ? null
            : run(
                Map.of(
                    "PROMPTYARD_TEAM_PARTITIONS",
                    "0",
                    "PROMPTYARD_WORKER_FAIR_SHARE",
                    "false",
                    "PROMPTYARD_WORKER_CONSUMERS",
                    Integer.toString(CONSUMERS),
                    "PROMPTYARD_WORKER_MAX_POLL_RECORDS",
                    Integer.toString(POLL)),
                a + "-fc",
                b + "-fc",
                Duration.ofSeconds(baselineSeconds),
                log);
    // First come: B's jobs wait behind what is left of A's backlog when B submits, which goes at
    // the limit's rate once the limiter's minute of burst (less its 2% headroom) is spent.
    double burst = rpm * 0.98;
    double firstComeComputed =
        (Math.max(0, backlog - burst - rate * fair.aPublishSeconds) + jobs) / rate;
    f.put("limit_rpm", rpm);
    f.put("backlog_a", backlog);
    f.put("jobs_b", jobs);
    f.put("b_done", fair.done);
    f.put("b_completion_s", Figures.round(fair.seconds, 1));
    f.put("b_fair_share_ideal_s", Figures.round(ideal, 1));
    f.put("b_ratio_to_ideal", Figures.round(fair.seconds / ideal, 2));
    f.put("b_first_come_computed_s", Figures.round(firstComeComputed, 0));
    if (firstCome != null) {
      f.put("b_first_come_measured_done", firstCome.done);
      f.put("b_first_come_measured_s", Figures.round(firstCome.seconds, 1));
      f.put("b_first_come_cap_s", baselineSeconds);
    }
    f.put("cores", Runtime.getRuntime().availableProcessors());
  }

  /**
   * Publishes A's backlog then B's jobs on a fresh rig and waits up to {@code timeout} for B's
   * results.
   */
  private Run run(
      Map<String, String> settings, String a, String b, Duration timeout, PrintWriter log)
      throws Exception {
    forgetLimits();
    try (WorkerRig rig =
        new WorkerRig(SimulatorConfig.answeringAfter(0), partitions, settings, rpm)) {
      long aStart = System.nanoTime();
      rig.publish(a, "a", backlog, i -> "Backlog question " + i);
      double aPublish = (System.nanoTime() - aStart) / 1e9;
      log.printf("fairness: A's %d jobs published in %.1f s%n", backlog, aPublish);
      long bStart = System.nanoTime();
      rig.publish(b, "b", jobs, i -> "Interactive question " + i);
      AtomicLong last = new AtomicLong(bStart);
      int done = rig.await("b", jobs, timeout, (r, ms) -> last.set(System.nanoTime()));
      return new Run(done, (last.get() - bStart) / 1e9, aPublish);
    }
  }

  /**
   * Removes the simulated provider's buckets from the local Redis: a run starts with the limit's
   * full burst, not with what the run before left reserved (up to a minute ahead).
   */
  private static void forgetLimits() {
    try (var redis = new JedisPooled("127.0.0.1", 6379)) {
      CacheInvalidation.invalidate(redis, RateLimiterSettings.DEFAULT_PREFIX + "{sim}:*");
    } catch (JedisException e) {
      // no local Redis: the worker keeps its limits in memory, fresh for each run
    }
  }

  private record Run(int done, double seconds, double aPublishSeconds) {}
}

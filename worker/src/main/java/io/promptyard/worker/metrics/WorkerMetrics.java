package io.promptyard.worker.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.promptyard.schemas.CircuitState;
import io.promptyard.schemas.ErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The worker's metrics, recorded through small methods so that the code doing the work need not
 * know Micrometer; {@link #scrape()} renders them in the Prometheus text format. Thread-safe.
 *
 * <p>Every label takes its values from the worker's configuration and catalog (providers, models,
 * topics, circuits) or from a fixed set (outcomes, error codes), except the team of {@code
 * promptyard.worker.cost.micros}, which a producer names: it keeps the first {@code maxTeams}
 * distinct teams it sees and records the rest under {@value #OTHER_TEAM}, so that producers cannot
 * grow the series without bound.
 */
public final class WorkerMetrics {

  /** The team label of spend by teams beyond the first {@code maxTeams}. */
  public static final String OTHER_TEAM = "other";

  /** Distinct teams labelled by default. */
  public static final int DEFAULT_MAX_TEAMS = 100;

  /**
   * The bucket bounds of the provider-call and job-latency histograms, so that Prometheus computes
   * percentiles ({@code histogram_quantile}) across workers: from a cached-prompt answer to a long
   * reasoning call.
   */
  private static final Duration[] CALL_LATENCY_BUCKETS = {
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(2),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(20),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60),
    Duration.ofSeconds(120),
    Duration.ofSeconds(300)
  };

  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final List<Object> referenced = new java.util.concurrent.CopyOnWriteArrayList<>();

  private final int maxTeams;
  // Read without the lock on the path of a known team; added to under it so that the bound holds.
  private final Set<String> teams = ConcurrentHashMap.newKeySet();

  private WorkerMetrics(MeterRegistry registry, PrometheusMeterRegistry prometheus, int maxTeams) {
    if (maxTeams < 0) {
      throw new IllegalArgumentException("maxTeams must not be negative: " + maxTeams);
    }
    this.registry = registry;
    this.prometheus = prometheus;
    this.maxTeams = maxTeams;
    Gauge.builder("promptyard.worker.jobs.in.flight", inFlight, AtomicInteger::get)
        .description("jobs taken from a provider topic and not yet acknowledged")
        .register(registry);
    // The outcomes the dead-letter rule and panel divide are shown from the start at 0: a series
    // that first appears at 1 has no rate() in Prometheus, so the first dead letters would not
    // count.
    jobs("finished");
    jobs("failed");
  }

  /** Metrics kept for a Prometheus scrape, labelling {@value #DEFAULT_MAX_TEAMS} teams at most. */
  public static WorkerMetrics prometheus() {
    return prometheus(DEFAULT_MAX_TEAMS);
  }

  /**
   * Metrics kept for a Prometheus scrape, labelling the first {@code maxTeams} distinct teams and
   * the rest as {@value #OTHER_TEAM}.
   */
  public static WorkerMetrics prometheus(int maxTeams) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return new WorkerMetrics(registry, registry, maxTeams);
  }

  /** Metrics recorded into an existing registry (scrape() then renders nothing). */
  public static WorkerMetrics of(MeterRegistry registry) {
    return new WorkerMetrics(
        registry, registry instanceof PrometheusMeterRegistry p ? p : null, DEFAULT_MAX_TEAMS);
  }

  /** Metrics that go nowhere: a composite registry with no registries behind it records nothing. */
  public static WorkerMetrics noop() {
    return new WorkerMetrics(new CompositeMeterRegistry(), null, DEFAULT_MAX_TEAMS);
  }

  /** The registry, for meters this class has no method for. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The metrics in the Prometheus text exposition format; empty when not kept for Prometheus. */
  public String scrape() {
    return prometheus == null ? "" : prometheus.scrape();
  }

  /** A job was taken from a topic. */
  public void jobStarted() {
    inFlight.incrementAndGet();
  }

  /**
   * A job was acknowledged.
   *
   * @param outcome how it ended, in a word: {@code finished}, {@code released}, {@code
   *     dead_letter}…
   */
  public void jobEnded(String outcome) {
    inFlight.decrementAndGet();
    jobs(outcome).increment();
  }

  private Counter jobs(String outcome) {
    return Counter.builder("promptyard.worker.jobs")
        .description("jobs acknowledged, by how they ended")
        .tag("outcome", outcome)
        .register(registry);
  }

  /**
   * A job got its terminal result (succeeded, failed or rejected), {@code sinceRouted} after the
   * router routed it: the queue wait, the cache, the rate limiter and every attempt, as the
   * requester waits for it past routing. A negative span (the router's clock ahead of this host's)
   * counts as zero.
   */
  public void jobAnswered(Duration sinceRouted) {
    Timer.builder("promptyard.worker.job.latency")
        .description("time from routing to a job's terminal result")
        .serviceLevelObjectives(CALL_LATENCY_BUCKETS)
        .register(registry)
        .record(sinceRouted.isNegative() ? Duration.ZERO : sinceRouted);
  }

  /** Jobs acknowledged so far that ended as {@code outcome} ({@link #jobEnded}). */
  public long jobsEnded(String outcome) {
    Counter ended = registry.find("promptyard.worker.jobs").tag("outcome", outcome).counter();
    return ended == null ? 0 : (long) ended.count();
  }

  /**
   * A job's record was delivered again: released by a worker, its lock lost, or held by a worker
   * that died. After a crash, the provider calls made twice are bounded by these.
   */
  public void redelivered() {
    Counter.builder("promptyard.worker.redeliveries")
        .description(
            "job records delivered again (released, lock lost, or held by a worker that died)")
        .register(registry)
        .increment();
  }

  /** Jobs in flight now. */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * Shows the in-flight places of one lane of a provider topic: how many are held now, of how many.
   * A place is taken before the poll that fetches its job and given back once the job's outcome is
   * published, so it also counts what {@code jobs.in.flight} does not: the poll, decoding, and
   * publishing.
   */
  public void places(String topic, IntSupplier held, int max) {
    Gauge.builder("promptyard.worker.places.held", held, IntSupplier::getAsInt)
        .description("in-flight places held (a job fetched or about to be, and not yet published)")
        .tag("topic", topic)
        .strongReference(true)
        .register(registry);
    Gauge.builder("promptyard.worker.places.max", () -> max)
        .description("in-flight places of the topic's lane: jobs that may run at once")
        .tag("topic", topic)
        .register(registry);
  }

  /**
   * In-flight places of {@code topic} held now (0 for a topic this worker does not consume). A
   * consumer holds a whole poll's places while it polls, so an idle lane's consumers hold some too.
   */
  public int placesHeld(String topic) {
    Gauge held = registry.find("promptyard.worker.places.held").tag("topic", topic).gauge();
    return held == null ? 0 : (int) held.value();
  }

  /**
   * Provider calls made so far, every provider and outcome, and their total time in nanoseconds.
   */
  public long[] callTotals() {
    long count = 0;
    double nanos = 0;
    for (Timer t : registry.find("promptyard.worker.calls").timers()) {
      count += t.count();
      nanos += t.totalTime(TimeUnit.NANOSECONDS);
    }
    return new long[] {count, (long) nanos};
  }

  /**
   * A provider call ended.
   *
   * @param code null when it succeeded, else the error it was classified as
   */
  public void callCompleted(String provider, ErrorCode code, Duration latency) {
    Timer.builder("promptyard.worker.calls")
        .description("provider calls, by provider and outcome")
        .tag("provider", provider)
        .tag("outcome", code == null ? "success" : "error")
        .serviceLevelObjectives(CALL_LATENCY_BUCKETS)
        .register(registry)
        .record(latency);
    if (code != null) {
      Counter.builder("promptyard.worker.errors")
          .description("failed provider calls, by provider and error code")
          .tag("provider", provider)
          .tag("code", code.name())
          .register(registry)
          .increment();
    }
  }

  /**
   * Tokens a successful call used, by provider and model (both from the catalog, so the series are
   * bounded) and kind: {@code input} (prompt, cached included) or {@code output} (reasoning
   * included).
   */
  public void tokens(String provider, String model, long input, long output) {
    tokenCounter(provider, model, "input").increment(input);
    tokenCounter(provider, model, "output").increment(output);
  }

  private Counter tokenCounter(String provider, String model, String kind) {
    return Counter.builder("promptyard.worker.tokens")
        .description("tokens of successful provider calls, by provider, model and kind")
        .tag("provider", provider)
        .tag("model", model)
        .tag("kind", kind)
        .register(registry);
  }

  /** A guard (open circuit, rate limit) refused a call before it was made. */
  public void callRefused(String provider, ErrorCode code) {
    Counter.builder("promptyard.worker.calls.refused")
        .description("provider calls refused by a guard before they were made")
        .tag("provider", provider)
        .tag("code", code.name())
        .register(registry)
        .increment();
  }

  /**
   * Output moderation found something in an answer: one count per detector ({@code output_pii},
   * {@code output_moderation}) and the action it took.
   */
  public void outputModerated(String detector, String action) {
    Counter.builder("promptyard.worker.output.moderation")
        .description("answers in which output moderation found something, by detector and action")
        .tag("detector", detector)
        .tag("action", action)
        .register(registry)
        .increment();
  }

  /** The moderation endpoint could not check an answer; {@code code} says why. */
  public void moderationFailed(ErrorCode code) {
    Counter.builder("promptyard.worker.output.moderation.errors")
        .description("answers the moderation endpoint could not check, by error code")
        .tag("code", code.name())
        .register(registry)
        .increment();
  }

  public void cacheHit() {
    cache("hit");
  }

  public void cacheMiss() {
    cache("miss");
  }

  /**
   * A semantic cache lookup: {@code hit}, {@code miss}, or {@code refused} (a candidate above the
   * threshold that the near-miss guard refused). A hit also counts as a cache hit, and a miss
   * counts as a cache miss only when the job then goes to the provider.
   */
  public void semanticCache(String result) {
    Counter.builder("promptyard.worker.semantic.cache")
        .description("semantic cache lookups, by result")
        .tag("result", result)
        .register(registry)
        .increment();
  }

  /**
   * A shadow verification of a semantic hit: {@code agree} or {@code disagree} (the fresh answer
   * compared with the cached one), or {@code failed} (no fresh answer to compare).
   */
  public void semanticShadow(String result) {
    Counter.builder("promptyard.worker.semantic.shadow")
        .description("shadow verifications of semantic cache hits, by result")
        .tag("result", result)
        .register(registry)
        .increment();
  }

  private void cache(String result) {
    Counter.builder("promptyard.worker.cache")
        .description("cache lookups, by result")
        .tag("result", result)
        .register(registry)
        .increment();
  }

  /** A call waited for the rate limiter of {@code provider} before it was admitted. */
  public void limiterWaited(String provider, Duration waited) {
    Timer.builder("promptyard.worker.limiter.wait")
        .description("time calls waited for the rate limiter")
        .tag("provider", provider)
        .register(registry)
        .record(waited);
  }

  /**
   * Money spent on a paid provider call, labelled by {@code team} if it is one of the first {@code
   * maxTeams} distinct teams seen, else by {@value #OTHER_TEAM}.
   */
  public void cost(String team, String provider, long micros) {
    Counter.builder("promptyard.worker.cost.micros")
        .description(
            "provider cost in micro-dollars, by team (the first teams seen; the rest as other) and provider")
        .tag("team", teamLabel(team))
        .tag("provider", provider)
        .register(registry)
        .increment(micros);
  }

  /**
   * The label of {@code team}: itself while fewer than {@code maxTeams} distinct teams have been
   * labelled or if it is one of them (first come, first served), else {@value #OTHER_TEAM}.
   */
  String teamLabel(String team) {
    if (team == null) {
      return OTHER_TEAM;
    }
    if (teams.contains(team)) {
      return team;
    }
    synchronized (teams) {
      if (teams.contains(team) || teams.size() < maxTeams) {
        teams.add(team);
        return team;
      }
    }
    return OTHER_TEAM;
  }

  /**
   * Shows a circuit's state as Prometheus shows an enumeration: one series per state ({@code
   * closed}, {@code open}, {@code half_open}), 1 for the state the circuit is in and 0 for the
   * others, so that a rule or a panel selects a state by its label.
   */
  public void circuitState(String circuit, Supplier<CircuitState> state) {
    for (CircuitState s : List.of(CircuitState.CLOSED, CircuitState.OPEN, CircuitState.HALF_OPEN)) {
      Gauge.builder("promptyard.worker.circuit.state", state, now -> now.get() == s ? 1 : 0)
          .description("circuit breaker state, one series per state: 1 for the state it is in")
          .tag("circuit", circuit)
          .tag("state", s.name().toLowerCase(Locale.ROOT))
          .strongReference(true)
          .register(registry);
    }
  }

  /** Shows the records waiting on a topic the workers consume (see {@link QueueLag}). */
  public <T> void lag(String topic, T source, ToDoubleFunction<T> lag) {
    Gauge.builder("promptyard.worker.queue.lag", source, lag)
        .description("records of a consumed topic not yet acknowledged by the workers' group")
        .tag("topic", topic)
        .strongReference(true)
        .register(registry);
  }

  /**
   * Shows whether the rate limiter runs on its local fair share because Redis is unreachable, and
   * how often it fell back to it.
   */
  public void rateLimiter(BooleanSupplier degraded, LongSupplier fallbacks) {
    Gauge.builder("promptyard.worker.ratelimit.degraded", degraded, d -> d.getAsBoolean() ? 1 : 0)
        .description(
            "1 while Redis is unreachable and rate limits are kept locally at this worker's fair share")
        .strongReference(true)
        .register(registry);
    FunctionCounter.builder(
            "promptyard.worker.ratelimit.fallbacks", fallbacks, LongSupplier::getAsLong)
        .description(
            "times the rate limiter fell back to its local fair share because Redis was unreachable")
        .register(registry);
    // A function counter holds its object weakly, and nothing else holds this lambda.
    referenced.add(fallbacks);
  }

  /**
   * Shows whether the Redis behind {@code use} ({@code cache}, {@code ledger}) cannot serve it now:
   * unreachable, or refusing to store data (out of memory at {@code maxmemory}, read-only,
   * loading).
   */
  public void redisUnreachable(String use, BooleanSupplier unreachable) {
    Gauge.builder("promptyard.worker.redis.unreachable", unreachable, u -> u.getAsBoolean() ? 1 : 0)
        .description(
            "1 while the last Redis command of the cache or the idempotency ledger failed because Redis was "
                + "unreachable or refused it (out of memory, read-only, loading)")
        .tag("use", use)
        .strongReference(true)
        .register(registry);
  }

  /**
   * Counts the idempotency ledger's reads and writes the worker went without because Redis could
   * not serve them: each is a job that may be called again if its record is delivered again. Unlike
   * the gauge above, it keeps a short outage visible after it ended.
   */
  public void ledgerSkipped(LongSupplier skipped) {
    FunctionCounter.builder("promptyard.worker.ledger.skipped", skipped, LongSupplier::getAsLong)
        .description(
            "idempotency ledger reads and writes skipped because Redis was unreachable or refused them")
        .register(registry);
    // A function counter holds its object weakly, and nothing else holds this lambda.
    referenced.add(skipped);
  }
}

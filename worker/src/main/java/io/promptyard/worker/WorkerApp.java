package io.promptyard.worker;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.KeyCheck;
import io.promptyard.schemas.Priority;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.runtime.ProcessMetrics;
import io.promptyard.schemas.runtime.RunningService;
import io.promptyard.schemas.runtime.ServiceFailure;
import io.promptyard.schemas.runtime.ServiceMain;
import io.promptyard.schemas.runtime.ServiceTracing;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.worker.cache.InMemoryResponseCache;
import io.promptyard.worker.cache.RedisResponseCache;
import io.promptyard.worker.cache.ResponseCache;
import io.promptyard.worker.cache.SemanticAnswers;
import io.promptyard.worker.cache.SemanticPauses;
import io.promptyard.worker.guard.CallGuard;
import io.promptyard.worker.health.CircuitBreakerGuard;
import io.promptyard.worker.health.HealthPublisher;
import io.promptyard.worker.health.StartupKeyCheck;
import io.promptyard.worker.health.WorkerHttpServer;
import io.promptyard.worker.idempotency.InMemoryResultLedger;
import io.promptyard.worker.idempotency.KafkaPublishedResults;
import io.promptyard.worker.idempotency.RedisResultLedger;
import io.promptyard.worker.idempotency.ResultLedger;
import io.promptyard.worker.job.JobProcessor;
import io.promptyard.worker.job.OutcomePublisher;
import io.promptyard.worker.metrics.QueueLag;
import io.promptyard.worker.metrics.WorkerMetrics;
import io.promptyard.worker.moderation.AnswerRestore;
import io.promptyard.worker.moderation.OutputModeration;
import io.promptyard.worker.ratelimit.QuotaTopic;
import io.promptyard.worker.ratelimit.RateLimiter;
import io.promptyard.worker.ratelimit.RateLimiterSettings;
import io.promptyard.worker.ratelimit.TeamQuotas;
import io.promptyard.worker.redis.PipelinedExecutor;
import io.promptyard.worker.retry.RetryRelay;
import io.promptyard.worker.source.ConsumerGroupJobSource;
import io.promptyard.worker.source.InFlightLimit;
import io.promptyard.worker.source.JobSource;
import io.promptyard.worker.source.ShareGroupJobSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * The worker service: share consumers on each served provider topic — separate ones for the
 * interactive and the batch lane ({@link Topics#route(String, Priority)}), so a batch backlog never
 * delays interactive jobs — a virtual thread per job, and the cache and idempotency ledger in Redis
 * (or in memory when no Redis is configured, which it logs).
 */
public final class WorkerApp implements RunningService {

  private static final Logger log = LoggerFactory.getLogger(WorkerApp.class);

  /** Batches of Redis commands on their way at once, one connection each. */
  private static final int REDIS_SENDERS = 4;

  /**
   * Connect and read timeout of Redis, and how long a job waits for a reply: past it, the cache
   * misses and the limiter goes local.
   */
  private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(2);

  /**
   * How long the key check at start may take in all; each of its requests also has the adapter's
   * own timeouts.
   */
  private static final Duration KEY_CHECK_BOUND = Duration.ofSeconds(30);

  private final Loops loops;
  private final Publishing publishing;
  private final SharedState state;
  private final Providers providers;
  private volatile WorkerHttpServer http;
  private ShutdownReport stopped;

  /**
   * The worker's loops: a job source per consumer and the retry relay, the threads that run them
   * (watched by {@code failure}), the executor of the jobs they take, and the metrics they keep.
   *
   * @param stopping set when a stop begins, so that a loop's end is not taken for a failure
   * @param shutdownGrace how long the jobs in flight may finish when the worker stops
   */
  private record Loops(
      List<JobSource> sources,
      RetryRelay relay,
      List<Thread> threads,
      ExecutorService jobs,
      ServiceFailure failure,
      AtomicBoolean stopping,
      Duration shutdownGrace,
      WorkerMetrics metrics) {}

  /**
   * The worker's Kafka side besides its consumers: the producer of results, usage, dead letters and
   * health, the read-back of published results, the queue-lag poller, the health publisher and the
   * exporter of the jobs' spans.
   */
  private record Publishing(
      KafkaProducer<String, byte[]> producer,
      KafkaClientMetrics producerMetrics,
      KafkaPublishedResults published,
      QueueLag lag,
      HealthPublisher health,
      ServiceTracing tracing) {

    /**
     * Stops publishing health and reading lag, then flushes and closes the clients and exports the
     * last spans.
     */
    void close() {
      health.close();
      lag.close();
      producerMetrics.close();
      producer.close(Duration.ofSeconds(10));
      published.close();
      tracing.close();
    }
  }

  /**
   * What the workers share, in Redis or in memory: the cache, the idempotency ledger and the rate
   * limiter (with the reader of the teams' quotas), and the Redis client under them ({@code null}
   * when there is no Redis).
   */
  private record SharedState(
      ResponseCache cache,
      ResultLedger ledger,
      RateLimiter limiter,
      QuotaTopic quotas,
      UnifiedJedis redis,
      SemanticAnswers semantic) {

    /** Closes the caches, ledger and limiter, then the Redis client they share. */
    void close() {
      semantic.close();
      quotas.close();
      if (ledger instanceof RedisResultLedger l) {
        l.close();
      }
      cache.close();
      limiter.close();
      if (redis != null) {
        redis.close();
      }
    }
  }

  /**
   * The provider side: each provider's adapter, made when a job (or the key check) first needs it,
   * the circuit breakers in front of them, what the key check at start found, and the output
   * moderation answers pass (with its moderation endpoint, if one is configured).
   */
  private record Providers(
      Map<String, ChatProvider> adapters,
      CircuitBreakerGuard breakers,
      StartupKeyCheck keys,
      OutputModeration moderation) {}

  private WorkerApp(Loops loops, Publishing publishing, SharedState state, Providers providers) {
    this.loops = loops;
    this.publishing = publishing;
    this.state = state;
    this.providers = providers;
  }

  /**
   * Starts the worker.
   *
   * @param providerFactory builds the adapter for a provider the first time a job needs it
   */
  public static WorkerApp start(
      WorkerConfig config, Function<ProviderSpec, ChatProvider> providerFactory) {
    Topics topics = config.common().topics();
    KafkaClientProperties kafka = config.common().kafkaClient();
    try (Admin admin = Admin.create(kafka.clientConfig(Map.of()))) {
      List<String> owned =
          new ArrayList<>(
              List.of(topics.results(), topics.usage(), topics.deadLetters(), topics.chunks()));
      for (String p : config.providers()) {
        for (Priority lane : Priority.values()) {
          owned.add(topics.route(p, lane));
          owned.add(topics.retry(p, lane));
        }
      }
      TopicProvisioner provisioner = config.common().provisioner();
      provisioner.ensure(admin, owned);
      // The router reads provider health as a GlobalKTable: only the newest record per key matters.
      // The semantic cache's entries: only the newest record per entry id matters.
      provisioner.ensureCompacted(
          admin,
          List.of(
              topics.providerHealth(),
              topics.semanticCache(),
              topics.quotas(),
              topics.semanticPauses()));
      // A new share group starts at the latest offset by default; jobs routed before the first
      // worker started must not be skipped. It also reads uncommitted records by default: the
      // router writes jobs in transactions, and a job of an aborted one must not run.
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.GROUP, config.groupId()),
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("share.auto.offset.reset", "earliest"),
                          AlterConfigOp.OpType.SET),
                      new AlterConfigOp(
                          new ConfigEntry("share.isolation.level", "read_committed"),
                          AlterConfigOp.OpType.SET))))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(
          "could not prepare topics and share group " + config.groupId() + ": " + e.getMessage(),
          e);
    }

    UnifiedJedis redis = config.redis().map(WorkerApp::redisClient).orElse(null);
    ResponseCache cache;
    ResultLedger ledger;
    if (redis != null) {
      String where = config.redis().get().getHost() + ":" + config.redis().get().getPort();
      try {
        redis.ping();
      } catch (RuntimeException e) {
        redis.close();
        throw new IllegalStateException(
            "Redis at "
                + where
                + " does not answer ("
                + e.getMessage()
                + "); start it or unset PROMPTYARD_REDIS_URL to use in-memory stand-ins",
            e);
      }
      cache = new RedisResponseCache(redis, "redis://" + where);
      ledger = new RedisResultLedger(redis);
    } else {
      log.warn(
          "no Redis configured: using the in-memory cache, idempotency ledger and rate limiter (not shared between workers)");
      cache = new InMemoryResponseCache(Clock.systemUTC());
      ledger = new InMemoryResultLedger();
    }

    Map<String, ChatProvider> providers = new ConcurrentHashMap<>();
    Function<String, ChatProvider> lookup =
        name ->
            providers.computeIfAbsent(
                name,
                n ->
                    providerFactory.apply(
                        config
                            .catalog()
                            .provider(n)
                            .orElseThrow(
                                () ->
                                    new IllegalStateException(
                                        "provider " + n + " is not in the catalog"))));
    WorkerConfig.Operations ops = config.operations();
    WorkerMetrics metrics = WorkerMetrics.prometheus(ops.maxTeamLabels());
    ProcessMetrics.bindTo(metrics.registry());
    CircuitBreakerGuard breakers =
        new CircuitBreakerGuard(ops.breakers(), ops.healthWindow(), Clock.systemUTC(), metrics);
    config.providers().forEach(breakers::track);
    // In the background: the worker takes jobs at once, and a provider found without a usable key
    // has its circuit opened when its check ends.
    StartupKeyCheck keyCheck =
        StartupKeyCheck.start(
            config.providers(), lookup, breakers, KEY_CHECK_BOUND, Clock.systemUTC());
    // Calls wait in place for their rate-limit turn as long as for an in-place retry; longer waits
    // are parked.
    RateLimiterSettings limits =
        RateLimiterSettings.defaults(config.policy().backoff().max())
            .withFairShare(config.fairShare());
    TeamQuotas quotas = new TeamQuotas();
    QuotaTopic quotaTopic = new QuotaTopic(kafka, topics.quotas(), quotas);
    RateLimiter limiter =
        redis != null
            ? RateLimiter.shared(redis, config.catalog(), quotas, limits)
            : RateLimiter.local(config.catalog(), quotas, limits);
    metrics.rateLimiter(limiter::degraded, () -> limiter.stats().fallbacks());
    if (cache instanceof RedisResponseCache c) {
      metrics.redisUnreachable("cache", c::unavailable);
    }
    if (ledger instanceof RedisResultLedger l) {
      metrics.redisUnreachable("ledger", l::unavailable);
      metrics.ledgerSkipped(l::skipped);
    }
    // The breaker first, so that a call to a provider whose circuit is open takes no rate-limit
    // turn.
    KafkaPublishedResults published = new KafkaPublishedResults(kafka, topics.results());
    Map<String, Object> producerConfig = producerConfig(kafka);
    KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
    SemanticAnswers semantic =
        config.semanticCache()
            ? SemanticAnswers.start(
                kafka,
                topics.semanticCache(),
                metrics,
                Clock.systemUTC(),
                shadowing(config, kafka, producer))
            : SemanticAnswers.off();
    // Off unless OTEL_TRACES_EXPORTER names an exporter.
    ServiceTracing tracing = ServiceTracing.start("promptyard-worker", System.getenv());
    OutputModeration moderation =
        new OutputModeration(
                config.moderation().endpoint(config.environment()),
                config.moderation().withholdOnError(),
                metrics)
            .withRestore(AnswerRestore.with(config.restoreKey()));
    JobProcessor processor =
        new JobProcessor(
            config.catalog(),
            lookup,
            cache,
            ledger,
            published,
            config.policy(),
            CallGuard.allOf(breakers, limiter),
            metrics,
            Clock.systemUTC(),
            OutcomePublisher.publishingGrace(deliveryTimeout(producerConfig)),
            semantic,
            tracing.tracing(),
            moderation);
    // kafka_producer_*: send rates, errors, batch sizes, request latency, labelled by client id
    // (and topic), none by anything a producer of requests chooses.
    KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer);
    producerMetrics.bindTo(metrics.registry());
    OutcomePublisher publisher =
        new OutcomePublisher(producer, topics, config.replies(), config.common().teamPartitions());
    ExecutorService jobs = Executors.newVirtualThreadPerTaskExecutor();

    List<JobSource> sources = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    // Every loop runs watched: one that ends on an exception, or ends while the worker is not
    // stopping, fails the worker (health DOWN, and the process exits non-zero) rather than leaving
    // it running without that loop.
    ServiceFailure failure = new ServiceFailure("worker");
    AtomicBoolean stopping = new AtomicBoolean();
    List<String> consumed = new ArrayList<>();
    // Each lane has consumers of its own: a batch backlog fills only the batch consumers' polls and
    // in-flight places, and the interactive consumers keep taking interactive jobs as they come.
    for (String provider : config.providers()) {
      for (Priority lane : Priority.values()) {
        int consumers =
            lane == Priority.INTERACTIVE
                ? config.interactiveConsumers()
                : config.consumersPerProvider();
        // Each lane's consumers share one in-flight limit: the batch lane's is the configured one,
        // the interactive lane's is what its consumers take in one poll each.
        InFlightLimit limit =
            new InFlightLimit(
                lane == Priority.INTERACTIVE
                    ? Math.max(config.maxPollRecords(), consumers * config.maxPollRecords())
                    : config.maxInFlight());
        consumed.add(topics.route(provider, lane));
        metrics.places(topics.route(provider, lane), limit::inUse, limit.max());
        for (int i = 0; i < consumers; i++) {
          JobSource source =
              newSource(config, topics.route(provider, lane), limit, processor, publisher, jobs);
          sources.add(source);
          String name =
              "worker-" + provider + (lane == Priority.INTERACTIVE ? "-interactive-" : "-") + i;
          threads.add(
              Thread.ofPlatform().name(name).start(failure.watch(name, source, stopping::get)));
        }
      }
    }
    QueueLag lag =
        new QueueLag(
                kafka,
                config.groupId(),
                config.consumption() == WorkerConfig.Consumption.SHARE
                    ? QueueLag.GroupKind.SHARE
                    : QueueLag.GroupKind.CONSUMER,
                consumed,
                metrics)
            .start(ops.healthInterval());
    HealthPublisher health =
        HealthPublisher.start(
            breakers, keyCheck::statuses, producer, topics.providerHealth(), ops.healthInterval());
    RetryRelay relay =
        new RetryRelay(
            kafka,
            config.groupId() + "-retry",
            topics,
            config.providers(),
            producer,
            Clock.systemUTC());
    threads.add(
        Thread.ofPlatform()
            .name("worker-retry-relay")
            .start(failure.watch("worker-retry-relay", relay, stopping::get)));
    WorkerApp app =
        new WorkerApp(
            new Loops(
                sources, relay, threads, jobs, failure, stopping, ops.shutdownGrace(), metrics),
            new Publishing(producer, producerMetrics, published, lag, health, tracing),
            new SharedState(cache, ledger, limiter, quotaTopic, redis, semantic),
            new Providers(providers, breakers, keyCheck, moderation));
    if (ops.httpPort() >= 0) {
      try {
        app.http =
            WorkerHttpServer.start(
                ops.httpBind(),
                ops.httpPort(),
                ops.httpTokens(),
                metrics,
                app::status,
                breakers::states,
                keyCheck::results);
      } catch (RuntimeException e) {
        app.close();
        throw e;
      }
    }
    log.info(
        "worker started: providers {}, {} batch and {} interactive consumers each, cache {}, /metrics and /health {}{}",
        config.providers(),
        config.consumersPerProvider(),
        config.interactiveConsumers(),
        cache.describe(),
        app.http == null ? "off" : "on port " + app.http.port() + " of " + ops.httpBind(),
        ops.httpTokens().required() ? " (/metrics with a bearer token)" : "");
    return app;
  }

  /** The port of {@code /metrics} and {@code /health}; -1 when they are not served. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** The worker's metrics. */
  public WorkerMetrics metrics() {
    return loops.metrics();
  }

  /** The circuit breakers in front of every provider call. */
  public CircuitBreakerGuard breakers() {
    return providers.breakers();
  }

  /**
   * What the key check at start found for each provider's keys, by provider; a provider still being
   * checked is absent.
   */
  public Map<String, List<KeyCheck>> keyChecks() {
    return providers.keys().results();
  }

  /**
   * What stopped the worker when it failed; the process is then to exit so that its supervisor
   * restarts it.
   */
  @Override
  public ServiceFailure failure() {
    return loops.failure();
  }

  private WorkerHttpServer.Status status() {
    if (loops.stopping().get()) {
      return WorkerHttpServer.Status.SHUTTING_DOWN;
    }
    return loops.failure().failure().isEmpty() && loops.threads().stream().allMatch(Thread::isAlive)
        ? WorkerHttpServer.Status.UP
        : WorkerHttpServer.Status.DOWN;
  }

  /**
   * Runs the worker until the process is stopped; configuration and API keys come from the
   * environment.
   */
  public static void main(String[] args) {
    ServiceMain.main(
        "worker",
        WorkerConfig.KEYS,
        args,
        env ->
            start(
                WorkerConfig.from(new io.promptyard.schemas.config.Settings(env), env),
                spec -> io.promptyard.providers.ChatProviders.create(spec, env)));
  }

  /**
   * What a graceful stop did with the jobs in flight.
   *
   * @param finished jobs that ended (result, fallback, retry topic or dead letter) and were
   *     accepted
   * @param released jobs released unfinished, for another worker to take
   */
  public record ShutdownReport(int finished, int released) {}

  @Override
  public void close() {
    stop();
  }

  /**
   * Stops gracefully: stops polling, lets the jobs in flight finish within the configured grace
   * period, then interrupts the rest and releases them so that another worker takes them, and
   * closes the clients.
   */
  public synchronized ShutdownReport stop() {
    if (stopped != null) {
      return stopped;
    }
    loops.stopping().set(true);
    int inFlight = loops.metrics().inFlight();
    loops.sources().forEach(JobSource::close);
    loops.relay().close();
    joinAll(System.nanoTime() + loops.shutdownGrace().toNanos());
    if (loops.threads().stream().anyMatch(Thread::isAlive)) {
      log.info(
          "shutdown: {} jobs still running after {}; interrupting and releasing them for other workers",
          loops.metrics().inFlight(),
          loops.shutdownGrace());
      // Interrupted jobs stop calling and waiting and are released by their own handling; jobs that
      // ignore the interrupt are released without waiting for them (and may still publish:
      // at-least-once).
      loops.jobs().shutdownNow();
      loops.sources().forEach(JobSource::releaseUnfinished);
      joinAll(System.nanoTime() + Duration.ofSeconds(15).toNanos());
    }
    loops.jobs().shutdownNow();
    stopped =
        new ShutdownReport(
            loops.sources().stream().mapToInt(JobSource::finishedWhileStopping).sum(),
            loops.sources().stream().mapToInt(JobSource::releasedWhileStopping).sum());
    log.info(
        "shutdown: of {} jobs in flight, {} finished and {} were released for other workers",
        inFlight,
        stopped.finished(),
        stopped.released());
    if (http != null) {
      http.close();
    }
    publishing.close();
    providers.keys().close();
    providers.adapters().values().forEach(ChatProvider::close);
    providers.moderation().close();
    state.close();
    return stopped;
  }

  private void joinAll(long deadlineNanos) {
    for (Thread t : loops.threads()) {
      try {
        t.join(Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * The Redis client of the cache, the ledger and the rate limiter: every command of every job goes
   * through a {@link PipelinedExecutor} of {@value #REDIS_SENDERS} connections, so thousands of
   * jobs in flight never queue for connections, and a burst of them costs Redis a few large writes
   * instead of thousands of small ones.
   */
  public static UnifiedJedis redisClient(java.net.URI uri) {
    return PipelinedExecutor.client(uri, REDIS_SENDERS, REDIS_TIMEOUT);
  }

  /**
   * Shadow verification of semantic hits as {@code config} sets it: each team's pause read from the
   * semantic-pauses topic, shadow calls on virtual threads of their own, and their usage published
   * by {@code producer}.
   */
  private static SemanticAnswers.Shadowing shadowing(
      WorkerConfig config, KafkaClientProperties kafka, KafkaProducer<String, byte[]> producer) {
    Topics topics = config.common().topics();
    AvroSerde<UsageEvent> usage = AvroSerde.of(UsageEvent.class);
    return new SemanticAnswers.Shadowing(
        config.shadow(),
        new SemanticPauses(kafka, topics.semanticPauses()),
        e ->
            producer.send(
                new ProducerRecord<>(topics.usage(), e.getTeam(), usage.encode(topics.usage(), e))),
        r -> Thread.ofVirtual().name("semantic-shadow").start(r));
  }

  /**
   * The configuration of the producer of results, usage, dead letters and health: the operator's
   * Kafka client properties — {@code delivery.timeout.ms} among them, {@link
   * OutcomePublisher#DELIVERY_TIMEOUT} when unset — then the worker's own over them.
   */
  static Map<String, Object> producerConfig(KafkaClientProperties kafka) {
    Map<String, Object> producerConfig =
        new HashMap<>(
            Map.of(
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                (int) OutcomePublisher.DELIVERY_TIMEOUT.toMillis()));
    producerConfig.putAll(
        kafka.idempotentProducerConfig(Map.of(ProducerConfig.LINGER_MS_CONFIG, 5)));
    return producerConfig;
  }

  /**
   * The {@code delivery.timeout.ms} of a producer configured by {@link #producerConfig}: how long a
   * send may still land, which the publishing grace must cover.
   */
  static Duration deliveryTimeout(Map<String, Object> producerConfig) {
    Object value = producerConfig.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
    long millis;
    try {
      millis = Long.parseLong(value.toString().trim());
    } catch (NumberFormatException e) {
      millis = 0;
    }
    if (millis > 0) {
      return Duration.ofMillis(millis);
    }
    throw new ConfigException(
        "delivery.timeout.ms="
            + value
            + " (from "
            + KafkaClientProperties.CONFIG.name()
            + " or PROMPTYARD_KAFKA_DELIVERY_TIMEOUT_MS) is not a positive number of milliseconds");
  }

  /**
   * @param limit the in-flight limit the topic's share consumers share
   */
  private static JobSource newSource(
      WorkerConfig config,
      String topic,
      InFlightLimit limit,
      JobProcessor processor,
      OutcomePublisher publisher,
      ExecutorService jobs) {
    KafkaClientProperties kafka = config.common().kafkaClient();
    return switch (config.consumption()) {
      case SHARE ->
          new ShareGroupJobSource(
              kafka,
              config.groupId(),
              topic,
              config.maxPollRecords(),
              limit,
              processor,
              publisher,
              jobs,
              4);
      case GROUP ->
          new ConsumerGroupJobSource(
              kafka,
              config.groupId(),
              topic,
              config.maxPollRecords(),
              config.partitionWindow(),
              processor,
              publisher,
              jobs,
              4);
    };
  }
}

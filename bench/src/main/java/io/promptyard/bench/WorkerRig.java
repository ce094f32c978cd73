package io.promptyard.bench;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.client.batch.ResultCollector;
import io.promptyard.providers.ChatProviders;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.TeamPartitions;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.provider.SimulatedProvider;
import io.promptyard.testkit.provider.SimulatorConfig;
import io.promptyard.worker.WorkerApp;
import io.promptyard.worker.WorkerConfig;
import io.promptyard.worker.cache.CacheInvalidation;
import io.promptyard.worker.cache.CacheKey;
import io.promptyard.worker.idempotency.RedisResultLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import redis.clients.jedis.JedisPooled;

/**
 * A worker alone on the embedded broker, fed routed jobs directly on its provider topic (no
 * router), calling a simulated provider: what the worker benchmarks measure. Its ledger and cache
 * are where a production worker keeps them, in the local Redis, unless told otherwise or Redis is
 * not there; its jobs are a team's of their own, whose keys it removes from Redis when closed.
 */
final class WorkerRig implements AutoCloseable {

  private static final String LOCAL_REDIS = "redis://127.0.0.1:6379";

  private final EmbeddedKafka kafka;
  private final SimulatedProvider simulator;
  private final WorkerApp worker;
  private final Topics topics = Topics.defaults();
  private final Map<String, Long> sentNanos = new ConcurrentHashMap<>();
  private final Optional<String> redis = benchRedis();

  /**
   * A team of its own: a rerun finds none of this run's ledger entries (which would make its jobs
   * done already).
   */
  private final String team = "bench-" + UUID.randomUUID();

  /** Every team whose jobs this rig published, whose keys it removes from Redis when closed. */
  private final Set<String> teams = ConcurrentHashMap.newKeySet();

  private final int partitions;
  private final TeamPartitions teamPartitions;

  /**
   * @param workerSettings PROMPTYARD_* keys for the worker beyond Kafka, the catalog and Redis
   */
  WorkerRig(SimulatorConfig sim, int partitions, Map<String, String> workerSettings)
      throws Exception {
    this(sim, partitions, workerSettings, 0);
  }

  /**
   * @param workerSettings PROMPTYARD_* keys for the worker beyond Kafka, the catalog and Redis
   * @param simRequestsPerMinute the catalog's {@code requestsPerMinute} limit of the simulated
   *     provider, which the worker's rate limiter keeps; 0 for none
   */
  WorkerRig(
      SimulatorConfig sim,
      int partitions,
      Map<String, String> workerSettings,
      long simRequestsPerMinute)
      throws Exception {
    this.partitions = partitions;
    kafka = EmbeddedKafka.start();
    simulator = SimulatedProvider.start(sim);
    try (var admin = kafka.admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topics.route("sim"), partitions, (short) 1),
                  new NewTopic(topics.results(), partitions, (short) 1)))
          .all()
          .get();
    }
    ModelCatalog catalog = ModelCatalog.bundled().withBaseUrl("sim", simulator.baseUrl());
    Path catalogFile = Files.createTempFile("promptyard-bench-catalog-", ".yaml");
    catalogFile.toFile().deleteOnExit();
    String yaml =
        new String(ModelCatalog.class.getResourceAsStream(ModelCatalog.BUNDLED).readAllBytes())
            .replace("http://127.0.0.1:8089/v1", simulator.baseUrl());
    if (simRequestsPerMinute > 0) {
      yaml =
          yaml.replace(
              "    keyRequired: false\n",
              "    keyRequired: false\n    options: {requestsPerMinute: "
                  + simRequestsPerMinute
                  + "}\n");
    }
    Files.writeString(catalogFile, yaml);
    Map<String, String> env = new HashMap<>(workerSettings);
    env.put("PROMPTYARD_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("PROMPTYARD_CATALOG", catalogFile.toString());
    env.put("PROMPTYARD_WORKER_PROVIDERS", "sim");
    redis.ifPresent(url -> env.put("PROMPTYARD_REDIS_URL", url));
    env.put("PROMPTYARD_TOPIC_PARTITIONS", Integer.toString(partitions));
    env.putIfAbsent("PROMPTYARD_WORKER_HTTP_PORT", "-1");
    WorkerConfig config = WorkerConfig.from(new Settings(env), env);
    teamPartitions = config.common().teamPartitions();
    worker =
        WorkerApp.start(
            config, spec -> ChatProviders.create(catalog.provider(spec.name()).orElseThrow(), env));
  }

  /** Publishes jobs built by {@code prompt} (index → user text), remembering when each left. */
  void publish(String batch, int count, IntFunction<String> prompt) throws Exception {
    publish(team, batch, count, prompt);
  }

  /**
   * Publishes jobs of {@code team} to the partitions the router would write them to; the team's
   * keys are removed from Redis when the rig closes.
   */
  void publish(String team, String batch, int count, IntFunction<String> prompt) throws Exception {
    teams.add(team);
    AvroSerde<RoutedRequest> serde = AvroSerde.of(RoutedRequest.class);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers(), "linger.ms", 5),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (int i = 0; i < count; i++) {
        String id = batch + ":" + i;
        CompletionRequest request =
            CompletionRequest.newBuilder()
                .setId(id)
                .setTeam(team)
                .setModel("cheap")
                .setMessages(
                    List.of(
                        Message.newBuilder().setRole(Role.USER).setText(prompt.apply(i)).build()))
                .build();
        RoutingDecision decision =
            RoutingDecision.newBuilder()
                .setProvider("sim")
                .setModel("sim-mini")
                .setEstimatedInputTokens(12)
                .setReason("benchmark")
                .setRoutedAt(Instant.now())
                .build();
        sentNanos.put(id, System.nanoTime());
        producer.send(
            new ProducerRecord<>(
                topics.route("sim"),
                teamPartitions.partition(team, id, partitions),
                id,
                serde.encode(new RoutedRequest(request, decision, List.of()))));
      }
      producer.flush();
    }
  }

  /**
   * Waits for the results of {@code batch}; {@code onResult} gets each with its publish-to-result
   * time in ms.
   */
  Map<String, CompletionResult> collect(
      String batch, int count, Duration timeout, ResultTimer onResult) {
    Set<String> ids = ids(batch, count);
    try (ResultCollector collector =
        new ResultCollector(kafka.bootstrapServers(), topics.results())) {
      return collector.collect(r -> ids.contains(r.getId()), count, timeout, timed(onResult));
    }
  }

  /**
   * Like {@link #collect} but keeps none of the results: returns how many distinct ids of {@code
   * batch} arrived.
   */
  int await(String batch, int count, Duration timeout, ResultTimer onResult) {
    Set<String> ids = ids(batch, count);
    try (ResultCollector collector =
        new ResultCollector(kafka.bootstrapServers(), topics.results())) {
      return collector.count(r -> ids.contains(r.getId()), count, timeout, timed(onResult));
    }
  }

  /**
   * Publishes {@code count} jobs as {@code batch} and waits for their results as {@link #await}
   * does.
   */
  int run(
      String batch, int count, IntFunction<String> prompt, Duration timeout, ResultTimer onResult)
      throws Exception {
    publish(batch, count, prompt);
    return await(batch, count, timeout, onResult);
  }

  /** Publishes {@code count} jobs and waits for their results, up to five minutes. */
  void warmUp(int count, IntFunction<String> prompt) throws Exception {
    run("warmup", count, prompt, Duration.ofMinutes(5), (r, ms) -> {});
  }

  private static Set<String> ids(String batch, int count) {
    return IntStream.range(0, count).mapToObj(i -> batch + ":" + i).collect(Collectors.toSet());
  }

  /** Hands each result to {@code onResult} with its publish-to-result time in ms. */
  private Consumer<CompletionResult> timed(ResultTimer onResult) {
    return r ->
        onResult.result(
            r,
            (System.nanoTime() - sentNanos.getOrDefault(r.getId(), System.nanoTime())) / 1_000_000);
  }

  /**
   * Where a benchmark's worker keeps its ledger and cache: the local Redis when it answers, unless
   * {@code -Dpromptyard.bench.redis=false} asks for the in-JVM stand-ins (then, or without Redis,
   * empty).
   */
  private static Optional<String> benchRedis() {
    return Boolean.parseBoolean(System.getProperty("promptyard.bench.redis", "true"))
        ? localRedis()
        : Optional.empty();
  }

  /**
   * The Redis on 127.0.0.1:6379 when it answers, where a production worker keeps its ledger and
   * cache (and the benchmarks measure that worker); empty to run on the in-JVM stand-ins.
   */
  private static Optional<String> localRedis() {
    try (var redis = new JedisPooled("127.0.0.1", 6379)) {
      return "PONG".equals(redis.ping()) ? Optional.of(LOCAL_REDIS) : Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Removes what the worker wrote to the local Redis for {@code team}: its cache entries and ledger
   * keys.
   */
  private static long forgetTeam(String team) {
    try (var redis = new JedisPooled("127.0.0.1", 6379)) {
      return CacheInvalidation.invalidate(redis, CacheKey.teamPattern(team))
          + CacheInvalidation.invalidate(redis, RedisResultLedger.teamPattern(team));
    }
  }

  /** Whether the worker keeps its ledger and cache in Redis (else in the JVM). */
  boolean usesRedis() {
    return redis.isPresent();
  }

  SimulatedProvider simulator() {
    return simulator;
  }

  /** Jobs the worker is processing now. */
  int inFlight() {
    return worker.metrics().inFlight();
  }

  /**
   * In-flight places of the jobs' topic held now (jobs polled and not yet published, see
   * WorkerMetrics#places).
   */
  int placesHeld() {
    return worker.metrics().placesHeld(topics.route("sim"));
  }

  /**
   * Provider calls the worker made so far and their total time in nanoseconds, as its metrics timed
   * them.
   */
  long[] callTotals() {
    return worker.metrics().callTotals();
  }

  /** Receives each result and its latency. */
  @FunctionalInterface
  interface ResultTimer {
    void result(CompletionResult result, long latencyMillis);
  }

  @Override
  public void close() {
    try {
      worker.close();
      simulator.close();
      kafka.close();
    } finally {
      if (redis.isPresent()) {
        forgetTeam(team);
        teams.forEach(WorkerRig::forgetTeam);
      }
    }
  }
}

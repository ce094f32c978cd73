package io.promptyard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.providers.ChatProviders;
import io.promptyard.schemas.CircuitState;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ProviderHealth;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.testkit.provider.LatencyDistribution;
import io.promptyard.testkit.provider.SimulatedProvider;
import io.promptyard.testkit.provider.SimulatorConfig;
import io.promptyard.worker.health.BreakerSettings;
import io.promptyard.worker.job.Backoff;
import io.promptyard.worker.job.JobPolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The worker as operators see it, on the in-process broker with the simulated provider: provider
 * health on its topic, /metrics and /health, and a graceful shutdown that hands unfinished jobs to
 * another worker.
 */
@ExtendWith(KafkaBrokerExtension.class)
class WorkerOperationsIT {

  private static final JobPolicy POLICY =
      new JobPolicy(
          3,
          new Backoff(Duration.ofMillis(5), Duration.ofMillis(100)),
          Duration.ofHours(1),
          Duration.ofHours(1));

  private final Topics topics =
      new Topics("ops" + UUID.randomUUID().toString().substring(0, 8) + ".");
  private final List<AutoCloseable> started = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stopAll() throws Exception {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
  }

  @Test
  void providerHealthMetricsAndHealthEndpointDescribeCallsThroughAFlakyProvider(EmbeddedKafka kafka)
      throws Exception {
    SimulatedProvider sim =
        simulator(
            SimulatorConfig.defaults()
                .withErrorRate(0.3)
                .withLatency(LatencyDistribution.fixed(20))
                .withRequestsPerMinute(1_000_000)
                .withTokensPerMinute(100_000_000));
    // A circuit that never opens here: this test looks at what is published, not at refusals.
    WorkerApp worker =
        worker(
            kafka,
            sim,
            new BreakerSettings(
                50, 100_000, Duration.ofSeconds(30), Duration.ofSeconds(30), 1, true),
            Duration.ofSeconds(5));
    List<String> ids = submit(kafka, 40);

    await().atMost(Duration.ofSeconds(60)).until(() -> results(kafka).keySet().containsAll(ids));

    Map<String, ProviderHealth> health = new HashMap<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              health.putAll(latestHealth(kafka));
              return health.containsKey("sim/sim-mini")
                  && health.containsKey("sim")
                  && health.get("sim").getErrorRate() > 0;
            });
    ProviderHealth sim1 = health.get("sim");
    assertThat(sim1.getProvider()).isEqualTo("sim");
    assertThat(sim1.getModel()).isNull();
    assertThat(sim1.getCircuitState()).isEqualTo(CircuitState.CLOSED);
    assertThat(sim1.getErrorRate()).isBetween(0.05, 0.7);
    assertThat(sim1.getLatencyP50Millis()).isGreaterThanOrEqualTo(20);
    assertThat(sim1.getLatencyP99Millis()).isGreaterThanOrEqualTo(sim1.getLatencyP50Millis());
    assertThat(sim1.getRemainingRequests()).isNotNull().isPositive();
    assertThat(sim1.getRemainingTokens()).isNotNull().isPositive();
    assertThat(health.get("sim/sim-mini").getModel()).isEqualTo("sim-mini");
    try (Admin admin = kafka.admin()) {
      ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, topics.providerHealth());
      assertThat(
              admin
                  .describeConfigs(List.of(topic))
                  .all()
                  .get()
                  .get(topic)
                  .get(TopicConfig.CLEANUP_POLICY_CONFIG)
                  .value())
          .isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    String metrics = get(worker, "/metrics").body();
    assertThat(metrics)
        .contains("promptyard_worker_calls_seconds_count{outcome=\"success\",provider=\"sim\"}")
        .contains("promptyard_worker_calls_seconds_count{outcome=\"error\",provider=\"sim\"}")
        .containsPattern(
            "promptyard_worker_errors_total\\{code=\"(PROVIDER_ERROR|OVERLOADED)\",provider=\"sim\"}")
        .contains("promptyard_worker_jobs_total{outcome=\"finished\"}")
        .containsPattern(
            "promptyard_worker_cost_micros_total\\{provider=\"sim\",team=\"ops\"} [1-9]")
        .contains("promptyard_worker_circuit_state{circuit=\"sim\",state=\"closed\"} 1")
        .contains("promptyard_worker_jobs_in_flight 0");
    // Every delivery looks in the cache once; a job parked on the retry topic after three failures
    // comes back.
    java.util.regex.Matcher misses =
        java.util.regex.Pattern.compile("promptyard_worker_cache_total\\{result=\"miss\"} (\\d+)")
            .matcher(metrics);
    assertThat(misses.find()).isTrue();
    assertThat(Double.parseDouble(misses.group(1))).isGreaterThanOrEqualTo(40);
    HttpResponse<String> up = get(worker, "/health");
    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(up.body()).contains("\"status\":\"UP\"").contains("\"sim\":\"CLOSED\"");
    // The simulator takes no key here: its key check is one reachability check, by no key id.
    assertThat(up.body()).contains("\"keys\":{\"sim\":[{\"keyId\":\"none\",\"status\":\"VALID\"");
  }

  @Test
  void anOpeningCircuitIsPublishedAtOnceAndShownByHealth(EmbeddedKafka kafka) throws Exception {
    SimulatedProvider sim = simulator(SimulatorConfig.defaults().withErrorRate(1.0));
    try (Admin admin = kafka.admin()) {
      // Refused jobs with nowhere to fall back are parked on the retry topic, which this part does
      // not create.
      new TopicProvisioner(1, (short) 1).ensure(admin, List.of(topics.retry("sim")));
    }
    // A health interval far longer than the test: the OPEN record can only come from the
    // transition.
    WorkerApp worker =
        worker(
            kafka,
            sim,
            new BreakerSettings(50, 5, Duration.ofSeconds(30), Duration.ofMinutes(5), 1, false),
            Duration.ofMinutes(10));
    submit(kafka, 10);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              ProviderHealth h = latestHealth(kafka).get("sim");
              return h != null && h.getCircuitState() == CircuitState.OPEN;
            });
    assertThat(get(worker, "/health").body()).contains("\"sim\":\"OPEN\"");
    assertThat(get(worker, "/metrics").body())
        .contains("promptyard_worker_circuit_state{circuit=\"sim\",state=\"open\"} 1")
        .contains("promptyard_worker_circuit_state{circuit=\"sim\",state=\"closed\"} 0")
        .contains("promptyard_worker_calls_refused_total{code=\"OVERLOADED\",provider=\"sim\"}");
  }

  @Test
  void shutdownReleasesUnfinishedJobsSoThatAnotherWorkerCompletesThem(EmbeddedKafka kafka)
      throws Exception {
    SimulatedProvider sim =
        simulator(SimulatorConfig.defaults().withLatency(LatencyDistribution.fixed(2_000)));
    WorkerApp first = worker(kafka, sim, BreakerSettings.defaults(), Duration.ofMillis(300));
    List<String> ids = submit(kafka, 20);
    await().atMost(Duration.ofSeconds(30)).until(() -> first.metrics().inFlight() > 0);

    WorkerApp.ShutdownReport report = first.stop();

    assertThat(report.released())
        .as("calls of 2 s cannot finish in a grace period of 300 ms")
        .isPositive();
    assertThat(first.metrics().inFlight()).as("interrupted jobs stopped").isZero();
    worker(kafka, sim, BreakerSettings.defaults(), Duration.ofSeconds(5));
    // Well within the broker's 30 s acquisition lock: the jobs were released, not left to time out.
    await().atMost(Duration.ofSeconds(20)).until(() -> results(kafka).keySet().containsAll(ids));
    Map<String, Integer> counts = results(kafka);
    assertThat(counts).as("one result per job").allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
  }

  private SimulatedProvider simulator(SimulatorConfig config) {
    SimulatedProvider sim = SimulatedProvider.start(config);
    started.add(sim);
    return sim;
  }

  private WorkerApp worker(
      EmbeddedKafka kafka,
      SimulatedProvider sim,
      BreakerSettings breakers,
      Duration shutdownGrace) {
    ModelCatalog catalog =
        ModelCatalog.bundled()
            .withBaseUrl("sim", sim.baseUrl())
            .restrictTo(p -> p.name().equals("sim"));
    CommonConfig common =
        new CommonConfig(kafka.bootstrapServers(), topics, new TopicProvisioner(3, (short) 1));
    WorkerConfig config =
        WorkerConfig.builder(common, catalog, List.of("sim"), topics.prefix() + "workers", POLICY)
            .consumers(1, 50)
            .operations(
                new WorkerConfig.Operations(
                    breakers, Duration.ofMillis(500), Duration.ofSeconds(60), 0, shutdownGrace))
            .build();
    WorkerApp worker = WorkerApp.start(config, spec -> ChatProviders.create(spec, Map.of()));
    started.add(worker);
    return worker;
  }

  private List<String> submit(EmbeddedKafka kafka, int n) throws Exception {
    AvroSerde<RoutedRequest> serde = AvroSerde.of(RoutedRequest.class);
    List<String> ids = new ArrayList<>();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (int i = 0; i < n; i++) {
        String id = "ops-" + i + "-" + UUID.randomUUID();
        CompletionRequest request =
            CompletionRequest.newBuilder()
                .setId(id)
                .setTeam("ops")
                .setModel("sim-mini")
                .setMessages(
                    List.of(
                        Message.newBuilder()
                            .setRole(Role.USER)
                            .setText("Question " + i + "?")
                            .build()))
                .build();
        RoutingDecision decision =
            RoutingDecision.newBuilder()
                .setProvider("sim")
                .setModel("sim-mini")
                .setFallbackChain(List.of())
                .setEstimatedInputTokens(10)
                .setReason("test")
                .setRoutedAt(Instant.now())
                .build();
        producer
            .send(
                new ProducerRecord<>(
                    topics.route("sim"),
                    id,
                    serde.encode(new RoutedRequest(request, decision, List.of()))))
            .get();
        ids.add(id);
      }
    }
    return ids;
  }

  /** Every result on the results topic so far: how many each request id has. */
  private Map<String, Integer> results(EmbeddedKafka kafka) {
    AvroSerde<CompletionResult> serde = AvroSerde.of(CompletionResult.class);
    Map<String, Integer> counts = new HashMap<>();
    readAll(
        kafka,
        topics.results(),
        bytes -> counts.merge(serde.decode(bytes).getId(), 1, Integer::sum));
    return counts;
  }

  /** The newest provider-health record of each key so far. */
  private Map<String, ProviderHealth> latestHealth(EmbeddedKafka kafka) {
    AvroSerde<ProviderHealth> serde = AvroSerde.of(ProviderHealth.class);
    Map<String, ProviderHealth> latest = new HashMap<>();
    readAll(
        kafka,
        topics.providerHealth(),
        bytes -> {
          ProviderHealth h = serde.decode(bytes);
          latest.put(h.getKey(), h);
        });
    return latest;
  }

  private static void readAll(
      EmbeddedKafka kafka, String topic, java.util.function.Consumer<byte[]> each) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      var partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> each.accept(r.value()));
      }
    }
  }

  private HttpResponse<String> get(WorkerApp worker, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.httpPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}

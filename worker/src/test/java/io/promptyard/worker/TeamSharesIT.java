package io.promptyard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.TeamQuota;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.TeamPartitions;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.worker.job.Backoff;
import io.promptyard.worker.job.JobPolicy;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Teams sharing a provider's limit, on the embedded broker with the limits in the local Redis: a
 * team that submits after another team's backlog gets its share at once instead of waiting for the
 * backlog, and a team's quota holds its calls back while another team's go ahead; none of the held
 * jobs is dropped.
 */
@ExtendWith(KafkaBrokerExtension.class)
class TeamSharesIT {

  private static final AvroSerde<RoutedRequest> ROUTED = AvroSerde.of(RoutedRequest.class);
  private static final int PARTITIONS = 6;

  private final String run = UUID.randomUUID().toString().substring(0, 8);

  /**
   * The simulated provider under a name of this run's own: its limits in Redis start empty,
   * whatever another run left there.
   */
  private final String providerName = "sim" + run;

  private final Topics topics = new Topics("shares" + run + ".");
  private final String backlogTeam = "backlog-" + run;
  private final String laterTeam = "later-" + run;
  private final TeamPartitions placement =
      new TeamPartitions(
          2, TeamPartitions.parse(List.of(backlogTeam + "=3@0", laterTeam + "=3@3")));
  private final HeldProvider provider = HeldProvider.holding(id -> false, "an answer");
  private WorkerApp worker;
  private RecordCollector collector;

  @AfterEach
  void stopAll() throws Exception {
    if (worker != null) {
      worker.close();
    }
    if (collector != null) {
      collector.close();
    }
  }

  @Test
  void aTeamArrivingBehindAnotherTeamsBacklogGetsItsShareAtOnce(EmbeddedKafka kafka)
      throws Exception {
    // Given a provider limited to 60 calls a minute (a minute's burst, then one a second), whose
    // burst one team's backlog of 100 jobs has spent
    worker = worker(kafka, 60);
    collector = new RecordCollector(kafka.bootstrapServers(), List.of(topics.results()));
    try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
      for (int i = 0; i < 100; i++) {
        send(producer, backlogTeam, run + "-backlog-" + i);
      }
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> answered(run + "-backlog-") >= 60);

    // When another team submits 5 jobs
    long backlogBefore = answered(run + "-backlog-");
    try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
      for (int i = 0; i < 5; i++) {
        send(producer, laterTeam, run + "-later-" + i);
      }
    }

    // Then they take the next turns but the few the backlog had reserved within the horizon; first
    // come, they would wait behind the backlog's turns reserved up to the in-place wait (10 s,
    // 10 jobs) ahead
    await().atMost(Duration.ofSeconds(60)).until(() -> answered(run + "-later-") == 5);
    assertThat(answered(run + "-backlog-") - backlogBefore).isLessThanOrEqualTo(5);
  }

  @Test
  void aTeamOverItsQuotaWaitsWhileAnotherTeamsJobsGoAheadAndNoneIsDropped(EmbeddedKafka kafka)
      throws Exception {
    // Given a provider without limits, and a quota of 60 calls a minute for one team
    worker = worker(kafka, 0);
    collector = new RecordCollector(kafka.bootstrapServers(), List.of(topics.results()));
    try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
      TeamQuota quota =
          TeamQuota.newBuilder()
              .setTeam(backlogTeam)
              .setRequestsPerMinute(60)
              .setUpdatedAt(Instant.now())
              .build();
      producer
          .send(
              new ProducerRecord<>(
                  topics.quotas(), backlogTeam, AvroSerde.of(TeamQuota.class).encode(quota)))
          .get();
    }

    // When that team submits 80 jobs (a minute's burst of 58, and more) and then another team 20
    try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
      for (int i = 0; i < 80; i++) {
        send(producer, backlogTeam, run + "-backlog-" + i);
      }
      for (int i = 0; i < 20; i++) {
        send(producer, laterTeam, run + "-later-" + i);
      }
      producer.flush();
    }

    // Then the other team's jobs are answered while the quota holds the first team's back
    await().atMost(Duration.ofSeconds(30)).until(() -> answered(run + "-later-") == 20);
    assertThat(answered(run + "-backlog-")).isLessThan(70);

    // And every held job is answered in its turn, none dropped
    await().atMost(Duration.ofSeconds(90)).until(() -> answered(run + "-backlog-") == 80);
    assertThat(collector.records(topics.results()))
        .extracting(r -> AvroSerde.of(CompletionResult.class).decode(r.value()).getStatus())
        .containsOnly(ResultStatus.SUCCEEDED);
  }

  /** Distinct requests with {@code prefix} answered so far. */
  private long answered(String prefix) {
    return collector.records(topics.results()).stream()
        .map(r -> r.key())
        .filter(k -> k.startsWith(prefix))
        .distinct()
        .count();
  }

  private KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
    return new KafkaProducer<>(
        Map.of("bootstrap.servers", kafka.bootstrapServers(), "linger.ms", 5),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  /** A job of {@code team}, in the partitions the router would write it to. */
  private void send(KafkaProducer<String, byte[]> producer, String team, String id) {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId(id)
            .setTeam(team)
            .setModel("sim-mini")
            .setMessages(
                List.of(Message.newBuilder().setRole(Role.USER).setText("question " + id).build()))
            .build();
    RoutingDecision decision =
        RoutingDecision.newBuilder()
            .setProvider(providerName)
            .setModel("sim-mini")
            .setFallbackChain(List.of())
            .setEstimatedInputTokens(10)
            .setReason("test")
            .setRoutedAt(Instant.now())
            .build();
    producer.send(
        new ProducerRecord<>(
            topics.route(providerName),
            placement.partition(team, id, PARTITIONS),
            id,
            ROUTED.encode(new RoutedRequest(request, decision, List.of()))));
  }

  /**
   * A worker whose sim provider is limited to {@code requestsPerMinute} (0: unlimited), with its
   * limits in the local Redis, calls waiting in place up to 10 s as in production.
   */
  private WorkerApp worker(EmbeddedKafka kafka, int requestsPerMinute) throws Exception {
    try (var admin = kafka.admin()) {
      admin
          .createTopics(List.of(new NewTopic(topics.route(providerName), PARTITIONS, (short) 1)))
          .all()
          .get();
    }
    ModelCatalog bundled = ModelCatalog.bundled();
    ProviderSpec sim = bundled.provider("sim").orElseThrow();
    ModelCatalog catalog =
        new ModelCatalog(
            List.of(
                new ProviderSpec(
                    providerName,
                    sim.type(),
                    sim.baseUrl(),
                    sim.apiKeyEnv(),
                    sim.apiKeyFile(),
                    sim.keyRequired(),
                    requestsPerMinute == 0
                        ? Map.of()
                        : Map.of("requestsPerMinute", Integer.toString(requestsPerMinute)))),
            bundled.models().stream()
                .filter(m -> m.provider().equals("sim"))
                .map(
                    m ->
                        new ModelSpec(
                            providerName,
                            m.id(),
                            m.aliases(),
                            m.contextWindow(),
                            m.maxOutputTokens(),
                            m.capabilities(),
                            m.prices(),
                            m.cacheTtl(),
                            m.paramRules()))
                .toList());
    CommonConfig common =
        new CommonConfig(
            kafka.bootstrapServers(),
            topics,
            new TopicProvisioner(PARTITIONS, (short) 1),
            KafkaClientProperties.NONE,
            placement);
    WorkerConfig config =
        WorkerConfig.builder(
                common,
                catalog,
                List.of(providerName),
                topics.prefix() + "workers",
                new JobPolicy(
                    3,
                    new Backoff(Duration.ofMillis(5), Duration.ofSeconds(10)),
                    Duration.ofHours(1),
                    Duration.ofHours(1)))
            // Small polls: a share consumer fetches nothing new while a job of its last poll
            // waits for its turn, so many small polls keep some consumer fetching (docs/WORKER.md)
            .consumers(8, 10)
            .maxInFlight(100)
            .redis(Optional.of(URI.create("redis://127.0.0.1:6379")))
            .build();
    return WorkerApp.start(config, spec -> provider);
  }
}

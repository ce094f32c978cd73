package io.promptyard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.providers.ChatProvider;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Priority;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.RoutingHints;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.worker.job.Backoff;
import io.promptyard.worker.job.JobPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Interactive jobs travel in a lane of their own ({@code route.<provider>.interactive}): a batch
 * lane whose in-flight places are all taken by calls that do not return, with a backlog behind
 * them, does not hold an interactive job back.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PriorityLaneIT {

  private static final int BATCH_IN_FLIGHT = 5;
  private static final int BATCH_JOBS = 40;

  private final Topics topics =
      new Topics("lanes" + UUID.randomUUID().toString().substring(0, 8) + ".");
  private final HeldProvider provider =
      HeldProvider.holding(id -> id.startsWith("batch-"), "an answer");
  private WorkerApp worker;
  private RecordCollector collector;

  @AfterEach
  void stopAll() throws Exception {
    provider.release();
    if (worker != null) {
      worker.close();
    }
    if (collector != null) {
      collector.close();
    }
  }

  @Test
  void anInteractiveJobIsAnsweredWhileEveryBatchPlaceIsHeldByASlowCallAndABacklogWaits(
      EmbeddedKafka kafka) throws Exception {
    // Given a worker whose batch lane takes 5 jobs at a time, and a provider that holds batch calls
    worker = worker(kafka, provider);
    collector = new RecordCollector(kafka.bootstrapServers(), List.of(topics.results()));
    try (Admin admin = kafka.admin()) {
      assertThat(admin.listTopics().names().get())
          .as("lanes the worker created")
          .contains(topics.route("sim"), topics.routeInteractive("sim"));
    }

    // When the batch lane fills up and a backlog waits behind it, and then an interactive job
    // arrives
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (int i = 0; i < BATCH_JOBS; i++) {
        send(producer, topics.route("sim"), "batch-" + i, Priority.BATCH);
      }
      producer.flush();
      await().atMost(Duration.ofSeconds(30)).until(() -> provider.heldCalls() >= BATCH_IN_FLIGHT);
      send(producer, topics.routeInteractive("sim"), "interactive-1", Priority.INTERACTIVE);
    }

    // Then the interactive job is answered before any batch job
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !collector.records(topics.results()).isEmpty());
    assertThat(collector.records(topics.results()))
        .extracting(ConsumerRecord::key)
        .containsExactly("interactive-1");
    assertThat(provider.heldCalls())
        .as("batch calls started, the rest waiting in the backlog")
        .isLessThan(BATCH_JOBS);

    // And the batch jobs all finish once the provider answers them
    provider.release();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> collector.records(topics.results()).size() == BATCH_JOBS + 1);
  }

  private void send(
      KafkaProducer<String, byte[]> producer, String topic, String id, Priority priority)
      throws Exception {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId(id)
            .setTeam("lanes")
            .setModel("sim-mini")
            .setRouting(RoutingHints.newBuilder().setPriority(priority).build())
            .setMessages(
                List.of(
                    Message.newBuilder()
                        .setRole(Role.USER)
                        .setText(priority + " question " + id)
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
                topic,
                id,
                AvroSerde.of(RoutedRequest.class)
                    .encode(new RoutedRequest(request, decision, List.of()))))
        .get();
  }

  private WorkerApp worker(EmbeddedKafka kafka, ChatProvider provider) {
    ModelCatalog catalog = ModelCatalog.bundled().restrictTo(p -> p.name().equals("sim"));
    CommonConfig common =
        new CommonConfig(kafka.bootstrapServers(), topics, new TopicProvisioner(1, (short) 1));
    JobPolicy policy =
        new JobPolicy(
            3,
            new Backoff(Duration.ofMillis(5), Duration.ofMillis(50)),
            Duration.ofHours(1),
            Duration.ofHours(1));
    WorkerConfig config =
        WorkerConfig.builder(common, catalog, List.of("sim"), topics.prefix() + "workers", policy)
            .consumers(1, BATCH_IN_FLIGHT)
            .interactiveConsumers(1)
            .build();
    return WorkerApp.start(config, spec -> provider);
  }
}

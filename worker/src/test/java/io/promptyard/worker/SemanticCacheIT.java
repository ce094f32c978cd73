package io.promptyard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.providers.ChatProviders;
import io.promptyard.schemas.CacheMode;
import io.promptyard.schemas.CachePolicy;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.testkit.provider.SimulatedProvider;
import io.promptyard.testkit.provider.SimulatorConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Semantic requests on the embedded broker, answered by the simulator, with the in-memory exact
 * cache (so that nothing survives a restart but the semantic-cache topic): a reworded question is
 * answered from the cache, still after the worker is restarted, and a question that differs by a
 * number is answered by the provider.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SemanticCacheIT {

  private static final Duration WAIT = Duration.ofSeconds(90);

  private final AvroSerde<CompletionResult> results = AvroSerde.of(CompletionResult.class);

  @Test
  void aRewordedQuestionHitsBeforeAndAfterARestartAndANearMissGoesToTheProvider(EmbeddedKafka kafka)
      throws Exception {
    Topics topics = new Topics("semantic" + UUID.randomUUID().toString().substring(0, 8) + ".");
    try (SimulatedProvider sim = SimulatedProvider.start(SimulatorConfig.defaults());
        RecordCollector collector =
            new RecordCollector(kafka.bootstrapServers(), List.of(topics.results()));
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
      WorkerConfig config = SimWorkers.config(kafka, topics, sim);
      CompletionResult paris;
      try (WorkerApp worker =
          WorkerApp.start(config, spec -> ChatProviders.create(spec, Map.of()))) {
        send(producer, topics, "paris", "What is the capital of France?");
        send(producer, topics, "five-km", "Convert 5 km to miles.");
        paris = awaitResult(collector, topics, "paris");
        awaitResult(collector, topics, "five-km");

        send(producer, topics, "paris-reworded", "Which city is the capital of France?");
        CompletionResult reworded = awaitResult(collector, topics, "paris-reworded");

        assertThat(paris.getCached()).isFalse();
        assertThat(reworded.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
        assertThat(reworded.getCached()).isTrue();
        assertThat(reworded.getCacheMatch()).isEqualTo("semantic");
        assertThat(reworded.getReusedRequestId()).isEqualTo("paris");
        assertThat(reworded.getSimilarity()).isGreaterThanOrEqualTo(0.85);
        assertThat(reworded.getOutput()).isEqualTo(paris.getOutput());
        assertThat(reworded.getCostMicros()).isZero();
      }
      long servedBeforeRestart = sim.requestsServed();

      try (WorkerApp restarted =
          WorkerApp.start(config, spec -> ChatProviders.create(spec, Map.of()))) {
        send(producer, topics, "paris-after-restart", "What city is the capital of France?");
        send(producer, topics, "eight-km", "Convert 8 km to miles.");
        CompletionResult afterRestart = awaitResult(collector, topics, "paris-after-restart");
        CompletionResult nearMiss = awaitResult(collector, topics, "eight-km");

        assertThat(afterRestart.getCacheMatch()).isEqualTo("semantic");
        assertThat(afterRestart.getReusedRequestId()).isEqualTo("paris");
        assertThat(afterRestart.getOutput()).isEqualTo(paris.getOutput());
        assertThat(nearMiss.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
        assertThat(nearMiss.getCached()).isFalse();
        assertThat(nearMiss.getCacheMatch()).isNull();
        assertThat(sim.requestsServed()).isEqualTo(servedBeforeRestart + 1);
      }
    }
  }

  private CompletionResult awaitResult(RecordCollector collector, Topics topics, String id) {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                collector.records(topics.results()).stream()
                    .filter(r -> r.key().equals(id))
                    .map(r -> results.decode(r.value()))
                    .findFirst(),
            java.util.Optional::isPresent)
        .orElseThrow();
  }

  private static void send(
      KafkaProducer<String, byte[]> producer, Topics topics, String id, String question)
      throws Exception {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId(id)
            .setTeam("semantic")
            .setModel("sim-mini")
            .setCache(CachePolicy.newBuilder().setMode(CacheMode.SEMANTIC).build())
            .setMessages(List.of(Message.newBuilder().setRole(Role.USER).setText(question).build()))
            .build();
    RoutingDecision decision =
        RoutingDecision.newBuilder()
            .setProvider("sim")
            .setModel("sim-mini")
            .setEstimatedInputTokens(10)
            .setReason("test")
            .setRoutedAt(Instant.now())
            .build();
    producer
        .send(
            new ProducerRecord<>(
                topics.route("sim"),
                id,
                AvroSerde.of(RoutedRequest.class)
                    .encode(new RoutedRequest(request, decision, List.of()))))
        .get();
  }
}

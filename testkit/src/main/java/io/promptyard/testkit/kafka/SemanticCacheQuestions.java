package io.promptyard.testkit.kafka;

import io.promptyard.schemas.CacheMode;
import io.promptyard.schemas.CachePolicy;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes one team's questions that ask for the semantic cache straight to the simulator's route
 * topic, routed to {@code sim/sim-mini} as the router would route them: for tests of the semantic
 * cache that run a worker (and the simulated provider) without a router.
 */
public final class SemanticCacheQuestions implements AutoCloseable {

  private static final String PROVIDER = "sim";
  private static final String MODEL = "sim-mini";
  private static final AvroSerde<RoutedRequest> SERDE = AvroSerde.of(RoutedRequest.class);

  private final KafkaProducer<String, byte[]> producer;
  private final Topics topics;
  private final String team;

  /** Questions of {@code team}, published to {@code topics}' route topic of the simulator. */
  public SemanticCacheQuestions(String bootstrapServers, Topics topics, String team) {
    this.producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrapServers),
            new StringSerializer(),
            new ByteArraySerializer());
    this.topics = topics;
    this.team = team;
  }

  /**
   * Publishes the request {@code id} (its record's key) asking {@code question}, and waits until
   * Kafka has it.
   */
  public void send(String id, String question) throws ExecutionException, InterruptedException {
    producer
        .send(new ProducerRecord<>(topics.route(PROVIDER), id, SERDE.encode(routed(id, question))))
        .get();
  }

  private RoutedRequest routed(String id, String question) {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId(id)
            .setTeam(team)
            .setModel(MODEL)
            .setCache(CachePolicy.newBuilder().setMode(CacheMode.SEMANTIC).build())
            .setMessages(List.of(Message.newBuilder().setRole(Role.USER).setText(question).build()))
            .build();
    RoutingDecision decision =
        RoutingDecision.newBuilder()
            .setProvider(PROVIDER)
            .setModel(MODEL)
            .setEstimatedInputTokens(10)
            .setReason("test")
            .setRoutedAt(Instant.now())
            .build();
    return new RoutedRequest(request, decision, List.of());
  }

  @Override
  public void close() {
    producer.close();
  }
}

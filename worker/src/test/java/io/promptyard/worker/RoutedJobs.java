package io.promptyard.worker;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes jobs already routed (to {@code sim/sim-mini} unless told otherwise) straight to the
 * provider topic, as the router would, each with its own question so that none is a cache hit of
 * another.
 */
final class RoutedJobs implements AutoCloseable {

  /**
   * When the jobs say they were routed: a fixed instant, since the worker reads it only for its
   * routing-to-result latency metric.
   */
  private static final Instant ROUTED_AT = Instant.parse("2026-03-01T09:00:00Z");

  private final KafkaProducer<String, byte[]> producer;
  private final Topics topics;
  private final String team;
  private final ModelRef route;
  private final List<ModelRef> fallbacks;
  private final AvroSerde<RoutedRequest> serde = AvroSerde.of(RoutedRequest.class);

  RoutedJobs(String bootstrapServers, Topics topics, String team) {
    this(bootstrapServers, topics, team, new ModelRef("sim", "sim-mini"), List.of());
  }

  /** Jobs routed to {@code route}, with {@code fallbacks} as their fallback chain. */
  RoutedJobs(
      String bootstrapServers,
      Topics topics,
      String team,
      ModelRef route,
      List<ModelRef> fallbacks) {
    this.producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrapServers, "linger.ms", 5),
            new StringSerializer(),
            new ByteArraySerializer());
    this.topics = topics;
    this.team = team;
    this.route = route;
    this.fallbacks = List.copyOf(fallbacks);
  }

  /**
   * Sends the job {@code id} without waiting, with these headers on its record (name, value, name,
   * value…); {@link #flush()} waits for every job sent.
   */
  Future<RecordMetadata> send(String id, String... headers) {
    ProducerRecord<String, byte[]> record = record(id);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      record
          .headers()
          .add(headers[i], headers[i + 1].getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return producer.send(record);
  }

  private ProducerRecord<String, byte[]> record(String id) {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId(id)
            .setTeam(team)
            .setModel("cheap")
            .setMessages(
                List.of(
                    Message.newBuilder()
                        .setRole(Role.USER)
                        .setText("Question " + id + "?")
                        .build()))
            .build();
    RoutingDecision decision =
        RoutingDecision.newBuilder()
            .setProvider(route.getProvider())
            .setModel(route.getModel())
            .setFallbackChain(fallbacks)
            .setEstimatedInputTokens(12)
            .setReason("test")
            .setRoutedAt(ROUTED_AT)
            .build();
    return new ProducerRecord<>(
        topics.route(route.getProvider()),
        id,
        serde.encode(new RoutedRequest(request, decision, List.of())));
  }

  void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}

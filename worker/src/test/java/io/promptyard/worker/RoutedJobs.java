package io.promptyard.worker;

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
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes jobs already routed to {@code sim/sim-mini} straight to the provider topic, as the
 * router would, each with its own question so that none is a cache hit of another.
 */
final class RoutedJobs implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final Topics topics;
  private final String team;
  private final AvroSerde<RoutedRequest> serde = AvroSerde.of(RoutedRequest.class);

  RoutedJobs(String bootstrapServers, Topics topics, String team) {
    this.producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrapServers, "linger.ms", 5),
            new StringSerializer(),
            new ByteArraySerializer());
    this.topics = topics;
    this.team = team;
  }

  /** Sends the job {@code id} without waiting; {@link #flush()} waits for every job sent. */
  /** Sends a job with these headers on its record (name, value, name, value…). */
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
            .setProvider("sim")
            .setModel("sim-mini")
            .setFallbackChain(List.of())
            .setEstimatedInputTokens(12)
            .setReason("test")
            .setRoutedAt(Instant.now())
            .build();
    return new ProducerRecord<>(
        topics.route("sim"), id, serde.encode(new RoutedRequest(request, decision, List.of())));
  }

  void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}

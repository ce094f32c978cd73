package io.promptyard.client;

import io.promptyard.schemas.CompletionChunk;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.Output;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the Promptyard services for the client's tests: reads the requests topic and answers each
 * request the way a test says, through the real broker, with records shaped as the worker writes
 * them.
 */
final class Responder implements AutoCloseable {

  /** When the fake answers were made: a fixed instant, as no test reads it. */
  private static final Instant ANSWERED = Instant.parse("2026-03-01T12:00:00Z");

  private final Topics topics;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final AvroSerde<CompletionRequest> requests = AvroSerde.of(CompletionRequest.class);
  private final AvroSerde<CompletionResult> results = AvroSerde.of(CompletionResult.class);
  private final AvroSerde<CompletionChunk> chunks = AvroSerde.of(CompletionChunk.class);
  final List<CompletionRequest> received = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  Responder(String bootstrap, Topics topics, BiConsumer<Responder, CompletionRequest> behaviour) {
    this.topics = topics;
    this.consumer =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", bootstrap),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    this.producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrap),
            new StringSerializer(),
            new ByteArraySerializer());
    List<TopicPartition> parts =
        consumer.partitionsFor(topics.requests()).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(parts);
    consumer.seekToEnd(parts);
    parts.forEach(consumer::position);
    this.thread =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try {
                    while (running) {
                      for (ConsumerRecord<String, byte[]> r :
                          consumer.poll(Duration.ofMillis(100))) {
                        CompletionRequest request = requests.decode(r.value());
                        received.add(request);
                        behaviour.accept(this, request);
                      }
                    }
                  } catch (WakeupException e) {
                    // closing
                  } finally {
                    consumer.close();
                  }
                });
  }

  static CompletionResult succeeded(CompletionRequest request, String text) {
    return CompletionResult.newBuilder()
        .setId(request.getId())
        .setTeam(request.getTeam())
        .setStatus(ResultStatus.SUCCEEDED)
        .setProvider("sim")
        .setModel("sim-mini")
        .setOutput(new Output(text, List.of(), "stop", null))
        .setUsage(new TokenUsage(10L, 5L, 0L, 0L))
        .setCostMicros(3)
        .setAttempts(1)
        .setCompletedAt(ANSWERED)
        .build();
  }

  /**
   * Publishes a result as the worker does: on the results topic, then a copy on the reply topic its
   * request names, if any.
   */
  void result(CompletionResult result) {
    producer.send(new ProducerRecord<>(topics.results(), result.getId(), results.encode(result)));
    received.stream()
        .filter(r -> r.getId().equals(result.getId()) && r.getReplyTopic() != null)
        .findFirst()
        .ifPresent(
            r ->
                producer.send(
                    new ProducerRecord<>(
                        r.getReplyTopic(), result.getId(), results.encode(result))));
    producer.flush();
  }

  /** Publishes a result on the results topic only, as the router does with its rejections. */
  void resultOnResultsTopicOnly(CompletionResult result) {
    producer.send(new ProducerRecord<>(topics.results(), result.getId(), results.encode(result)));
    producer.flush();
  }

  void chunk(CompletionRequest request, int index, String delta, String finishReason) {
    CompletionChunk c =
        new CompletionChunk(
            request.getId(), index, delta, finishReason, "sim", "sim-mini", ANSWERED, 1);
    producer.send(new ProducerRecord<>(topics.chunks(), request.getId(), chunks.encode(c)));
    producer.flush();
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close();
  }
}

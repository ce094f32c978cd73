package io.promptyard.client.batch;

import io.promptyard.client.RecordDecoder;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.topics.TopicAssignment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the results topic from the beginning, without a consumer group, and keeps the newest result
 * of each request id that a filter accepts. Results are keyed by request id, so all results of one
 * id are in one partition in the order they were published: a redelivered job may publish twice,
 * and a job replayed from the dead-letter topic publishes a new result after its FAILED one; the
 * later one is the answer.
 */
public final class ResultCollector implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ResultCollector.class);

  private final org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer;
  private final RecordDecoder<CompletionResult> decoder =
      RecordDecoder.of(CompletionResult.class, log);

  public ResultCollector(String bootstrapServers, String topic) {
    this(Map.of("bootstrap.servers", bootstrapServers), topic);
  }

  /**
   * A collector whose consumer takes {@code clientConfig} (bootstrap servers, timeouts) as well.
   */
  public ResultCollector(Map<String, Object> clientConfig, String topic) {
    this(
        new KafkaConsumer<>(
            consumerConfig(clientConfig), new StringDeserializer(), new ByteArrayDeserializer()),
        topic,
        clientConfig.get("bootstrap.servers"));
  }

  /**
   * {@code clientConfig} with what a collector's consumer needs: no commits, and committed records
   * only.
   */
  public static Map<String, Object> consumerConfig(Map<String, Object> clientConfig) {
    Map<String, Object> config = new java.util.HashMap<>(clientConfig);
    config.put("enable.auto.commit", false);
    config.put("max.poll.records", 2000);
    // The router publishes its REJECTED results in transactions: one of an aborted transaction is
    // not an answer.
    config.put("isolation.level", "read_committed");
    return config;
  }

  /**
   * A collector reading {@code topic} with {@code consumer} (configured with {@link
   * #consumerConfig}), which it closes when closed.
   *
   * @param bootstrapServers where the consumer looks, for the message when the topic is missing
   */
  public ResultCollector(
      org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer,
      String topic,
      Object bootstrapServers) {
    this.consumer = consumer;
    try {
      TopicAssignment.fromBeginning(consumer, topic, bootstrapServers);
    } catch (IllegalStateException e) {
      consumer.close();
      throw e;
    }
  }

  /**
   * Collects accepted results until {@code expected} distinct ids arrived or the timeout passed.
   *
   * @param onNew called once per new id, with its first result, in arrival order
   * @return the newest result of each request id
   */
  public Map<String, CompletionResult> collect(
      Predicate<CompletionResult> accept,
      int expected,
      Duration timeout,
      Consumer<CompletionResult> onNew) {
    Map<String, CompletionResult> byId = new LinkedHashMap<>();
    Instant until = Instant.now().plus(timeout);
    while (byId.size() < expected && Instant.now().isBefore(until)) {
      poll(accept, byId, onNew);
    }
    return byId;
  }

  /**
   * Like {@link #collect}, keeping only the ids seen rather than the results: for counting a large
   * run without holding every result in memory.
   *
   * @param onNew called once per new id, with its first result, in arrival order
   * @return how many distinct ids arrived
   */
  public int count(
      Predicate<CompletionResult> accept,
      int expected,
      Duration timeout,
      Consumer<CompletionResult> onNew) {
    Set<String> seen = new HashSet<>();
    Instant until = Instant.now().plus(timeout);
    while (seen.size() < expected && Instant.now().isBefore(until)) {
      for (CompletionResult r : decoded(consumer.poll(Duration.ofMillis(200)))) {
        if (accept.test(r) && seen.add(r.getId())) {
          onNew.accept(r);
        }
      }
    }
    return seen.size();
  }

  /**
   * Collects every accepted result already on the topic, stopping at the end offsets seen at the
   * start.
   *
   * @return the newest result of each request id, in the order the ids first appeared
   */
  public Map<String, CompletionResult> collectToEnd(Predicate<CompletionResult> accept) {
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
    Map<String, CompletionResult> byId = new LinkedHashMap<>();
    while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      poll(accept, byId, r -> {});
    }
    return byId;
  }

  /**
   * Hands over every accepted result published from here on, forever (until the thread is
   * interrupted or the consumer woken up); a later result of an id already handed over (a replay's)
   * is handed over too.
   */
  public void follow(Predicate<CompletionResult> accept, Consumer<CompletionResult> onResult) {
    while (!Thread.currentThread().isInterrupted()) {
      for (CompletionResult r : decoded(consumer.poll(Duration.ofMillis(200)))) {
        if (accept.test(r)) {
          onResult.accept(r);
        }
      }
    }
  }

  private void poll(
      Predicate<CompletionResult> accept,
      Map<String, CompletionResult> byId,
      Consumer<CompletionResult> onNew) {
    for (CompletionResult r : decoded(consumer.poll(Duration.ofMillis(200)))) {
      if (accept.test(r) && byId.put(r.getId(), r) == null) {
        onNew.accept(r);
      }
    }
  }

  private List<CompletionResult> decoded(Iterable<ConsumerRecord<String, byte[]>> records) {
    List<CompletionResult> decoded = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      decoder.decode(record).ifPresent(decoded::add);
    }
    return decoded;
  }

  /** Interrupts a {@link #follow} from another thread. */
  public void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close();
  }
}

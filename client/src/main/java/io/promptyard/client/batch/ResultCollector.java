package io.promptyard.client.batch;

import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Reads the results topic from the beginning, without a consumer group, and keeps the first result of each
 * request id that a filter accepts (results are keyed by request id; a redelivered job may publish twice).
 */
public final class ResultCollector implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ResultCollector.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final AvroSerde<CompletionResult> serde = AvroSerde.of(CompletionResult.class);

  public ResultCollector(String bootstrapServers, String topic) {
    this.consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrapServers, "enable.auto.commit", false,
        "max.poll.records", 2000), new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /**
   * Collects accepted results until {@code expected} distinct ids arrived or the timeout passed.
   *
   * @param onNew called once per new id, in arrival order
   * @return the results by request id
   */
  public Map<String, CompletionResult> collect(Predicate<CompletionResult> accept, int expected, Duration timeout,
      Consumer<CompletionResult> onNew) {
    Map<String, CompletionResult> byId = new LinkedHashMap<>();
    Instant until = Instant.now().plus(timeout);
    while (byId.size() < expected && Instant.now().isBefore(until)) {
      poll(accept, byId, onNew);
    }
    return byId;
  }

  /** Collects every accepted result already on the topic, stopping at the end offsets seen at the start. */
  public Map<String, CompletionResult> collectToEnd(Predicate<CompletionResult> accept, Consumer<CompletionResult> onNew) {
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
    Map<String, CompletionResult> byId = new LinkedHashMap<>();
    while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      poll(accept, byId, onNew);
    }
    return byId;
  }

  /** Collects forever (until the thread is interrupted or the consumer woken up). */
  public void follow(Predicate<CompletionResult> accept, Consumer<CompletionResult> onNew) {
    Map<String, CompletionResult> byId = new LinkedHashMap<>();
    while (!Thread.currentThread().isInterrupted()) {
      poll(accept, byId, onNew);
    }
  }

  private void poll(Predicate<CompletionResult> accept, Map<String, CompletionResult> byId, Consumer<CompletionResult> onNew) {
    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
      CompletionResult r;
      try {
        r = serde.decode(record.value());
      } catch (UndecodableRecordException e) {
        log.warn("skipping an unreadable record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
            e.getMessage());
        continue;
      }
      if (accept.test(r) && byId.putIfAbsent(r.getId(), r) == null) {
        onNew.accept(r);
      }
    }
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

package io.promptyard.testkit.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Everything a topic holds now, for tests that check what was published: read without a consumer
 * group, committed records only.
 */
public final class TopicContents {

  private TopicContents() {}

  /**
   * The records of every partition of {@code topic}, up to the end offsets at the time of the call.
   */
  public static List<ConsumerRecord<byte[], byte[]>> readAll(
      String bootstrapServers, String topic) {
    return readAll(bootstrapServers, topic, new ByteArrayDeserializer());
  }

  /** The same, with the keys (request ids, on Promptyard's topics) read as strings. */
  public static List<ConsumerRecord<String, byte[]>> readAllWithStringKeys(
      String bootstrapServers, String topic) {
    return readAll(bootstrapServers, topic, new StringDeserializer());
  }

  private static <K> List<ConsumerRecord<K, byte[]>> readAll(
      String bootstrapServers, String topic, Deserializer<K> keys) {
    // Records of aborted transactions (the router's and the aggregator's) were never published.
    try (KafkaConsumer<K, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", bootstrapServers, "isolation.level", "read_committed"),
            keys,
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<K, byte[]>> all = new ArrayList<>();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<K, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
            all.add(r);
          }
        }
      }
      return all;
    }
  }
}

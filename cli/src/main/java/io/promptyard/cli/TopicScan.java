package io.promptyard.cli;

import io.promptyard.schemas.topics.TopicAssignment;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a topic from the beginning to the end offsets seen at the start, without a consumer group
 * (reading commits nothing and moves no one's position), and committed records only: what the
 * commands that list a topic's records ({@code dlq}, {@code audit}) read.
 */
public final class TopicScan {

  private TopicScan() {}

  /** Hands each committed record of {@code topic}, up to its end at the start, to {@code each}. */
  public static void read(
      Map<String, Object> clientConfig,
      String topic,
      Consumer<ConsumerRecord<String, byte[]>> each) {
    read(KafkaClients.REAL, clientConfig, topic, each);
  }

  /** As {@link #read(Map, String, Consumer)}, with a consumer {@code clients} makes. */
  public static void read(
      KafkaClients clients,
      Map<String, Object> clientConfig,
      String topic,
      Consumer<ConsumerRecord<String, byte[]>> each) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // The router and the aggregator write in transactions: a record of an aborted one was never
    // sent.
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer =
        clients.consumer(config)) {
      List<TopicPartition> partitions =
          TopicAssignment.fromBeginning(consumer, topic, config.get("bootstrap.servers"));
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
            each.accept(r);
          }
        }
      }
    }
  }
}

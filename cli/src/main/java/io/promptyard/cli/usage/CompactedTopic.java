package io.promptyard.cli.usage;

import io.promptyard.cli.KafkaClients;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a compacted topic from the beginning to its current end, without a consumer group: the
 * latest value of each key.
 */
public final class CompactedTopic {

  /** What to check when a topic the usage aggregator publishes does not exist. */
  static final String IS_THE_AGGREGATOR_RUNNING =
      "is the usage aggregator running against this cluster (and --topic-prefix right)?";

  private CompactedTopic() {}

  /**
   * The latest committed value of each key (a tombstone removes the key); unreadable values are
   * skipped.
   */
  static <V extends SpecificRecord> Map<String, V> latest(
      KafkaClients clients, KafkaClientProperties kafka, String topic, Class<V> type) {
    return latest(clients, kafka, topic, type, IS_THE_AGGREGATOR_RUNNING);
  }

  /**
   * The latest committed value of each key, as {@link #latest(KafkaClients, KafkaClientProperties,
   * String, Class)} reads it.
   *
   * @param whenMissing what to check when the topic does not exist, for the error message
   */
  static <V extends SpecificRecord> Map<String, V> latest(
      KafkaClients clients,
      KafkaClientProperties kafka,
      String topic,
      Class<V> type,
      String whenMissing) {
    AvroSerde<V> serde = AvroSerde.of(type);
    Map<String, V> latest = new TreeMap<>();
    latestBytes(clients, kafka, topic, whenMissing)
        .forEach(
            (key, value) -> {
              try {
                latest.put(key, serde.decode(value));
              } catch (UndecodableRecordException e) {
                // a record from a newer release or garbage: the rest of the table is still worth
                // printing
              }
            });
    return latest;
  }

  /**
   * The latest committed value of each key, as bytes, in key order (a tombstone removes the key).
   *
   * @param whenMissing what to check when the topic does not exist, for the error message
   */
  public static Map<String, byte[]> latestBytes(
      KafkaClients clients, KafkaClientProperties kafka, String topic, String whenMissing) {
    Map<String, byte[]> latest = new TreeMap<>();
    try (Consumer<String, byte[]> consumer =
        clients.consumer(
            kafka.clientConfig(
                Map.of(
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                    false,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    "read_committed",
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                    5_000)))) {
      var info = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (info == null || info.isEmpty()) {
        throw new IllegalStateException(
            "topic "
                + topic
                + " does not exist at "
                + kafka.values().get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)
                + "; "
                + whenMissing);
      }
      List<TopicPartition> partitions =
          info.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key() == null) {
            continue;
          }
          if (r.value() == null) {
            latest.remove(r.key());
          } else {
            latest.put(r.key(), r.value());
          }
        }
      }
    }
    return latest;
  }
}

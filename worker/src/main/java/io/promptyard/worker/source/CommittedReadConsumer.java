package io.promptyard.worker.source;

import io.promptyard.schemas.config.KafkaClientProperties;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Creates the consumer-group consumers of the worker's job topics: offsets committed by hand, from
 * the earliest offset when the group has none, committed records only.
 */
public final class CommittedReadConsumer {

  private CommittedReadConsumer() {}

  /**
   * @param clientId unique per consumer, so that broker logs and metrics tell them apart
   */
  public static KafkaConsumer<String, byte[]> create(
      KafkaClientProperties kafka, String groupId, String clientId, int maxPollRecords) {
    return new KafkaConsumer<>(
        config(kafka, groupId, clientId, maxPollRecords),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  /** The operator's Kafka client properties, then the consumer's own settings over them. */
  static Map<String, Object> config(
      KafkaClientProperties kafka, String groupId, String clientId, int maxPollRecords) {
    return kafka.clientConfig(
        Map.of(
            ConsumerConfig.GROUP_ID_CONFIG,
            groupId,
            ConsumerConfig.CLIENT_ID_CONFIG,
            clientId,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            // Jobs are written in transactions: a job of an aborted one must not run.
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            maxPollRecords));
  }
}

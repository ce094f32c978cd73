package io.promptyard.bench;

import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The producer a benchmark publishes its requests with (a backlog before timing starts, or the
 * timed load of {@code pipeline-external}): large lz4 batches.
 */
final class BacklogProducer {

  private BacklogProducer() {}

  /** A producer to {@code bootstrapServers} that waits up to {@code lingerMs} to fill a batch. */
  static KafkaProducer<String, byte[]> open(String bootstrapServers, int lingerMs) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            lingerMs,
            ProducerConfig.BATCH_SIZE_CONFIG,
            512 * 1024,
            ProducerConfig.COMPRESSION_TYPE_CONFIG,
            "lz4"),
        new StringSerializer(),
        new ByteArraySerializer());
  }
}

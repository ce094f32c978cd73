package io.promptyard.cli;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Where the commands get their Kafka clients: real ones from the configuration, or, in a test,
 * stand-ins fed without a broker ({@link ConnectionOptions.EnvironmentSource#kafkaClients}).
 */
public interface KafkaClients {

  /** A consumer of string keys and raw values, configured by {@code config}. */
  Consumer<String, byte[]> consumer(Map<String, Object> config);

  /** An admin client configured by {@code config}. */
  Admin admin(Map<String, Object> config);

  /** A producer of string keys and raw values, configured by {@code config}. */
  default Producer<String, byte[]> producer(Map<String, Object> config) {
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  /** The clients that talk to the cluster the configuration names. */
  KafkaClients REAL =
      new KafkaClients() {
        @Override
        public Consumer<String, byte[]> consumer(Map<String, Object> config) {
          return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        }

        @Override
        public Admin admin(Map<String, Object> config) {
          return Admin.create(config);
        }
      };
}

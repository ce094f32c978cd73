package io.promptyard.cli;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes an operator's per-team record (a guard policy, a quota, a budget) on its compacted
 * topic, and checks that such a topic exists.
 */
public final class TeamRecords {

  private TeamRecords() {}

  /**
   * Fails, before anything is done, when {@code topic} does not exist: a producer would have the
   * broker create it uncompacted, and a tombstone there would never remove a record.
   *
   * @param creator the service whose start creates the topic, for the message
   */
  public static void requireTopic(ConnectionOptions connection, String topic, String creator) {
    try (Admin admin = connection.clients().admin(connection.kafkaClientConfig())) {
      if (!admin.listTopics().names().get().contains(topic)) {
        throw new IllegalStateException(
            "topic "
                + topic
                + " does not exist: promptyard topics create, or "
                + creator
                + ", creates it (compacted); nothing was published");
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "could not list the topics to find " + topic + ": " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while looking for topic " + topic, e);
    }
  }

  /**
   * Publishes one record under {@code key} ({@code null} value: a tombstone) and waits for Kafka.
   */
  public static void send(ConnectionOptions connection, String topic, String key, byte[] value)
      throws Exception {
    try (Producer<String, byte[]> producer =
        connection
            .clients()
            .producer(
                connection
                    .kafkaProperties()
                    .clientConfig(Map.of(ProducerConfig.ACKS_CONFIG, "all")))) {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }
}

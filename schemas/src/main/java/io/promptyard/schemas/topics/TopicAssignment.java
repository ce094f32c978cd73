package io.promptyard.schemas.topics;

import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/** Assigns a consumer every partition of one topic, to read it from its beginning. */
public final class TopicAssignment {

  private TopicAssignment() {}

  /**
   * Assigns {@code consumer} all partitions of {@code topic} and seeks them to their beginning.
   *
   * @param bootstrapServers where the consumer looked, for the message when the topic is missing
   * @return the partitions assigned
   * @throws IllegalStateException when the topic does not exist; the consumer is left open
   */
  public static List<TopicPartition> fromBeginning(
      Consumer<?, ?> consumer, String topic, Object bootstrapServers) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    if (partitions.isEmpty()) {
      throw new IllegalStateException(
          "topic "
              + topic
              + " does not exist at "
              + bootstrapServers
              + "; check the topic prefix, or start the services that create it");
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return partitions;
  }
}

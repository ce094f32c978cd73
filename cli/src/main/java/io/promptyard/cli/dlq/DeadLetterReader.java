package io.promptyard.cli.dlq;

import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import io.promptyard.schemas.topics.TopicAssignment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the dead-letter topic from the beginning to the end offsets seen at the start, without a
 * consumer group (reading it commits nothing and moves no one's position), and keeps the letters a
 * filter accepts.
 */
public final class DeadLetterReader {

  private DeadLetterReader() {}

  /**
   * What was read: the letters accepted, and how many records could not be read as dead letters.
   */
  public record Letters(List<LetterOnTopic> letters, int unreadable) {}

  public static Letters read(
      Map<String, Object> clientConfig, String topic, DeadLetterFilter filter) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put("enable.auto.commit", false);
    // The router and the aggregator dead-letter in transactions: a letter of an aborted one was
    // never sent.
    config.put("isolation.level", "read_committed");
    AvroSerde<DeadLetter> serde = AvroSerde.of(DeadLetter.class);
    List<LetterOnTopic> letters = new ArrayList<>();
    int unreadable = 0;
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          TopicAssignment.fromBeginning(consumer, topic, config.get("bootstrap.servers"));
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
            continue;
          }
          try {
            LetterOnTopic letter =
                new LetterOnTopic(
                    topic, r.partition(), r.offset(), r.key(), serde.decode(r.value()));
            if (filter.matches(letter)) {
              letters.add(letter);
            }
          } catch (UndecodableRecordException e) {
            unreadable++;
          }
        }
      }
    }
    return new Letters(letters, unreadable);
  }
}

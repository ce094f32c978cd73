package io.promptyard.cli.dlq;

import io.promptyard.cli.ConnectionOptions;
import io.promptyard.cli.TopicScan;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

  /** The letters on the dead-letter topic of {@code connection} that {@code filter} accepts. */
  public static Letters read(ConnectionOptions connection, DeadLetterFilter filter) {
    Map<String, Object> clientConfig = connection.kafkaClientConfig();
    String topic = connection.topics().deadLetters();
    AvroSerde<DeadLetter> serde = AvroSerde.of(DeadLetter.class);
    List<LetterOnTopic> letters = new ArrayList<>();
    int[] unreadable = {0};
    TopicScan.read(
        connection.clients(),
        clientConfig,
        topic,
        r -> {
          try {
            LetterOnTopic letter =
                new LetterOnTopic(
                    topic, r.partition(), r.offset(), r.key(), serde.decode(r.value()));
            if (filter.matches(letter)) {
              letters.add(letter);
            }
          } catch (UndecodableRecordException e) {
            unreadable[0]++;
          }
        });
    return new Letters(letters, unreadable[0]);
  }
}

package io.promptyard.worker.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A reader of a whole topic goes on past the records it cannot apply, and, however it stops, closes
 * its consumer and says it stopped.
 */
class TopicReaderTest {

  private static final String TOPIC = "p.quotas";
  private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

  private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
  private final List<String> applied = new CopyOnWriteArrayList<>();
  private final List<String> skipped = new CopyOnWriteArrayList<>();
  private final List<List<TopicPartition>> assigned = new CopyOnWriteArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private TopicReader reader;

  @AfterEach
  void close() {
    if (reader != null) {
      reader.close();
    }
  }

  @Test
  void aRecordThatCannotBeAppliedIsSkippedAndTheNextOnesAreRead() {
    onTopic("team-a", "team-b", "team-c");

    start();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(applied).containsExactly("team-a", "team-c"));
    assertThat(skipped).containsExactly("team-b");
  }

  @Test
  void theReaderAssignsItselfEveryPartitionBeforeItsFirstPoll() {
    onTopic("team-a");

    start();

    await().atMost(Duration.ofSeconds(10)).until(() -> applied.contains("team-a"));
    assertThat(assigned).containsExactly(List.of(PARTITION));
  }

  @Test
  void closingStopsTheReaderAndClosesItsConsumer() throws Exception {
    onTopic("team-a");
    start();
    await().atMost(Duration.ofSeconds(10)).until(() -> applied.contains("team-a"));

    reader.close();

    assertThat(stopped.await(0, TimeUnit.SECONDS)).isTrue();
    assertThat(consumer.closed()).isTrue();
  }

  @Test
  void aReaderWhoseTopicIsMissingStopsAndSaysSo() throws Exception {
    // no partitions: the topic does not exist

    start();

    assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(consumer::closed);
  }

  /** Puts one record per key on the topic, delivered by the reader's first poll. */
  private void onTopic(String... keys) {
    consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
    consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
    consumer.schedulePollTask(
        () -> {
          for (int i = 0; i < keys.length; i++) {
            consumer.addRecord(
                new ConsumerRecord<>(
                    TOPIC, 0, i, keys[i], keys[i].getBytes(StandardCharsets.UTF_8)));
          }
        });
  }

  /** Starts a reader that cannot apply team-b's record. */
  private void start() {
    reader =
        new TopicReader(
            "test-reader",
            consumer,
            TOPIC,
            "test",
            "nothing is lost",
            LoggerFactory.getLogger(TopicReaderTest.class),
            new TopicReader.Records() {
              @Override
              public void assigned(List<TopicPartition> partitions) {
                assigned.add(partitions);
              }

              @Override
              public void apply(ConsumerRecord<String, byte[]> record) {
                if (record.key().equals("team-b")) {
                  throw new IllegalArgumentException("not a quota");
                }
                applied.add(record.key());
              }

              @Override
              public void skipped(ConsumerRecord<String, byte[]> record) {
                skipped.add(record.key());
              }

              @Override
              public void stopped() {
                stopped.countDown();
              }
            });
  }
}

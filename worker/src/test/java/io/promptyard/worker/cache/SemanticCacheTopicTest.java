package io.promptyard.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.schemas.SemanticCacheEntry;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.semanticcache.LazyEmbedder;
import io.promptyard.semanticcache.SemanticCache;
import io.promptyard.semanticcache.SemanticCacheConfig;
import io.promptyard.semanticcache.SemanticKey;
import io.promptyard.semanticcache.SemanticQuery;
import io.promptyard.worker.job.TestClock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A worker's reader of the semantic-cache topic keeps the compacted topic free of expired entries
 * and goes on reading past what it cannot use.
 */
class SemanticCacheTopicTest {

  private static final String TOPIC = "p.semantic-cache";
  private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

  private final TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  // Its embedder is never needed: the vectors are stored with the entries.
  private final SemanticCache index =
      new SemanticCache(
          new LazyEmbedder(
              () -> {
                throw new AssertionError("nothing is embedded");
              },
              "test-embedder",
              2),
          SemanticCacheConfig.defaults(),
          clock);
  private final List<ConsumerRecord<String, byte[]>> onTopic = new ArrayList<>();
  private SemanticCacheTopic topic;

  @AfterEach
  void close() {
    if (topic != null) {
      topic.close();
    }
  }

  @Test
  void anEntryReadAfterItExpiredIsTombstonedAndNotCached() throws Exception {
    String expired = put("What is the capital of France?", Duration.ofMinutes(-1));
    put("What is the capital of Spain?", Duration.ofHours(1));

    start();

    assertThat(topic.awaitLoaded(Duration.ofSeconds(30))).isTrue();
    assertThat(index.stats().entries()).isEqualTo(1);
    assertThat(producer.history())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.key()).isEqualTo(expired);
              assertThat(r.value()).isNull();
            });
  }

  @Test
  void anEntryThatExpiresAfterItWasReadIsTombstonedByTheNextSweep() throws Exception {
    String soon = put("What is the capital of France?", Duration.ofMinutes(10));
    put("What is the capital of Spain?", Duration.ofHours(1));
    start();
    assertThat(topic.awaitLoaded(Duration.ofSeconds(30))).isTrue();
    assertThat(producer.history()).isEmpty();

    clock.advance(Duration.ofMinutes(11));

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(producer.history())
                    .extracting(ProducerRecord::key)
                    .containsExactly(soon));
    assertThat(producer.history().getFirst().value()).isNull();
  }

  @Test
  void aFailedPollIsTriedAgainInsteadOfEndingTheReader() throws Exception {
    put("What is the capital of France?", Duration.ofHours(1));
    consumer.setPollException(new KafkaException("the broker went away"));

    start();

    assertThat(topic.awaitLoaded(Duration.ofSeconds(30))).isTrue();
    assertThat(index.stats().entries()).isEqualTo(1);
  }

  /** Puts an entry for {@code prompt} on the topic, expiring {@code in} from now; its id. */
  private String put(String prompt, Duration in) {
    SemanticCacheEntry entry =
        SemanticCacheEntry.newBuilder()
            .setTeam("team-a")
            .setModel("sim/sim-mini")
            .setDigest("d")
            .setPrompt(prompt)
            .setRequestId("r-" + onTopic.size())
            .setAnswer(ByteBuffer.wrap("answer".getBytes(StandardCharsets.UTF_8)))
            .setAnswerLength(6)
            .setExpiresAt(clock.instant().plus(in))
            .setEmbedder("test-embedder")
            .setEmbedding(List.of(0.6f, 0.8f))
            .build();
    String id =
        SemanticCache.entryId(
            new SemanticQuery(new SemanticKey("team-a", "sim/sim-mini", "d"), prompt));
    onTopic.add(
        new ConsumerRecord<>(
            TOPIC, 0, onTopic.size(), id, AvroSerde.of(SemanticCacheEntry.class).encode(entry)));
    return id;
  }

  /** Starts the reader on a topic that holds the entries put so far. */
  private void start() {
    consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
    consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
    consumer.updateEndOffsets(Map.of(PARTITION, (long) onTopic.size()));
    // The records arrive with the first poll, once the reader has assigned itself the partition.
    consumer.schedulePollTask(() -> onTopic.forEach(consumer::addRecord));
    topic = new SemanticCacheTopic(consumer, producer, TOPIC, index, clock);
  }
}

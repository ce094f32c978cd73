package io.promptyard.worker.idempotency;

import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Finds a published result by reading one partition of the results topic from the time of the
 * publishing entry to the partition's end. The start comes from the record timestamps ({@code
 * offsetsForTimes}) rather than from an end offset looked up before every publish: the lookup costs
 * nothing until a worker has died mid-publish. The result's timestamp is set by the same worker's
 * clock after it wrote the entry; the margin covers that clock stepping back. One consumer,
 * assigned per lookup, serves every lookup in turn: they are rare (only after a crash) and short
 * (the result, when there, sits near the start).
 */
public final class KafkaPublishedResults implements PublishedResults, AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final long CLOCK_MARGIN_MILLIS = 5_000;

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final AvroSerde<CompletionResult> serde = AvroSerde.of(CompletionResult.class);
  private final ReentrantLock lock = new ReentrantLock();

  public KafkaPublishedResults(KafkaClientProperties kafka, String resultsTopic) {
    this.consumer =
        kafka.consumer(
            Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG,
                "promptyard-result-readback-" + System.identityHashCode(this),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false));
    this.topic = resultsTopic;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException when the partition cannot be read to its end in time: the job is
   *     then delivered again rather than called a second time on a guess
   */
  @Override
  public Optional<CompletionResult> find(
      String team, String requestId, LedgerEntry.Publishing publishing) {
    TopicPartition tp = new TopicPartition(topic, publishing.resultsPartition());
    lock.lock();
    try {
      consumer.assign(List.of(tp));
      OffsetAndTimestamp start =
          consumer
              .offsetsForTimes(
                  Map.of(tp, Math.max(0, publishing.since() - CLOCK_MARGIN_MILLIS)), TIMEOUT)
              .get(tp);
      if (start == null) {
        return Optional.empty();
      }
      long end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
      consumer.seek(tp, start.offset());
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (consumer.position(tp, TIMEOUT) < end) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not read "
                  + tp
                  + " to offset "
                  + end
                  + " within "
                  + TIMEOUT
                  + " to see whether request "
                  + requestId
                  + " already has a result");
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() < end && requestId.equals(r.key())) {
            Optional<CompletionResult> result = resultIfTeams(r.value(), team);
            if (result.isPresent()) {
              return result;
            }
          }
        }
      }
      return Optional.empty();
    } finally {
      consumer.unsubscribe();
      lock.unlock();
    }
  }

  private Optional<CompletionResult> resultIfTeams(byte[] value, String team) {
    try {
      CompletionResult result = serde.decode(value);
      return team.equals(result.getTeam()) ? Optional.of(result) : Optional.empty();
    } catch (UndecodableRecordException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      consumer.close(Duration.ofSeconds(5));
    } finally {
      lock.unlock();
    }
  }
}

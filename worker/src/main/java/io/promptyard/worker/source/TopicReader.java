package io.promptyard.worker.source;

import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.topics.TopicAssignment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;

/**
 * A thread that reads a compacted topic whole, from its beginning, and follows it for as long as
 * the worker runs, with a consumer of its own (every partition assigned, no group): the worker's
 * semantic cache, semantic pauses and quotas. A record that cannot be applied is skipped with a
 * warning and a failed poll is tried again after {@link #RETRY}, so the reader stops only with the
 * worker, or on an error it logs with what that leaves the worker with. It closes its consumer when
 * it stops.
 */
public final class TopicReader implements AutoCloseable {

  /** How long one poll waits for records. */
  static final Duration POLL = Duration.ofMillis(500);

  /** How long the reader waits after a failed poll before it polls again. */
  static final Duration RETRY = Duration.ofSeconds(5);

  private static final Duration CLOSE = Duration.ofSeconds(5);

  /**
   * What a reader does with its topic's records. Every method is called on the reader's thread, one
   * at a time.
   */
  public interface Records {

    /**
     * Applies one record of the topic; a {@link RuntimeException} skips it, with a warning, and the
     * reader goes on with the next.
     */
    void apply(ConsumerRecord<String, byte[]> record);

    /** Called once the reader has assigned itself {@code partitions}, before its first poll. */
    default void assigned(List<TopicPartition> partitions) {}

    /** Called after the warning for a record that {@link #apply} failed on. */
    default void skipped(ConsumerRecord<String, byte[]> record) {}

    /** Called after each poll, once its records are applied (none when the poll failed). */
    default void polled() {}

    /** Called last, however the reader stopped. */
    default void stopped() {}
  }

  private final Consumer<String, byte[]> consumer;
  private final String topic;
  private final String what;
  private final String ifStopped;
  private final Logger log;
  private final Records records;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  /**
   * Starts reading {@code topic}, which must exist, on a daemon thread named {@code threadName}.
   *
   * @param consumer the reader's own, which it closes
   * @param what the reader, at the start of its log lines: {@code semantic cache}
   * @param ifStopped what the worker is left with when the reader stops on an error, for the log
   *     line: {@code the quotas and weights read so far stay}
   * @param log where the reader's warnings and errors go: its owner's logger
   */
  public TopicReader(
      String threadName,
      Consumer<String, byte[]> consumer,
      String topic,
      String what,
      String ifStopped,
      Logger log,
      Records records) {
    this.consumer = consumer;
    this.topic = topic;
    this.what = what;
    this.ifStopped = ifStopped;
    this.log = log;
    this.records = records;
    this.thread = Thread.ofPlatform().name(threadName).daemon().start(this::run);
  }

  /**
   * A consumer for a reader of a whole topic: client id {@code clientId}, no group, no commits,
   * from the earliest offset.
   */
  public static Consumer<String, byte[]> consumer(KafkaClientProperties kafka, String clientId) {
    return kafka.consumer(
        Map.of(
            ConsumerConfig.CLIENT_ID_CONFIG,
            clientId,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest"));
  }

  private void run() {
    PollLoop.run(running, this::readUntilClosed, this::stop);
  }

  private void readUntilClosed() {
    try {
      records.assigned(TopicAssignment.fromBeginning(consumer, topic, "the cluster"));
      while (running.get()) {
        for (ConsumerRecord<String, byte[]> r :
            PollLoop.pollOrPause(consumer, POLL, RETRY, log, what, topic)) {
          applyOrSkip(r);
        }
        records.polled();
      }
    } catch (WakeupException e) {
      throw e; // PollLoop.run tells close()'s wakeup from another
    } catch (RuntimeException e) {
      if (running.get()) {
        log.error("{}: stopped reading {}; {}", what, topic, ifStopped, e);
      }
    }
  }

  /** Applies {@code r}, or skips it with a warning when that fails: one record never stops all. */
  private void applyOrSkip(ConsumerRecord<String, byte[]> r) {
    try {
      records.apply(r);
    } catch (RuntimeException e) {
      log.warn(
          "{}: skipping record {} at {}-{}@{}: {}",
          what,
          ProducerText.escape(r.key()),
          r.topic(),
          r.partition(),
          r.offset(),
          e.toString());
      records.skipped(r);
    }
  }

  private void stop() {
    try {
      records.stopped();
    } finally {
      consumer.close(CLOSE);
    }
  }

  /** Stops reading, waiting up to 10 s for the reader to close its consumer. */
  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
    try {
      thread.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

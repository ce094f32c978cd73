package io.promptyard.worker.source;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;

/**
 * The frame of a thread that owns a Kafka consumer: it polls until its {@code close()} clears the
 * running flag and wakes the consumer up, and closes the consumer however the polling ended.
 */
public final class PollLoop {

  /** How long closing a consumer may take to leave its group and commit what is left. */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private PollLoop() {}

  /**
   * Runs {@code poll} on this thread, then {@code close}.
   *
   * @param running cleared by the owner's {@code close()} before it wakes the consumer up; a wakeup
   *     while it is still set did not come from there, and is rethrown
   */
  public static void run(AtomicBoolean running, Runnable poll, Runnable close) {
    try {
      poll.run();
    } catch (WakeupException e) {
      if (running.get()) {
        throw e;
      }
    } finally {
      close.run();
    }
  }

  /**
   * The next records of a reader that follows a topic for good (a compacted table it keeps in
   * memory): none, after a pause of {@code retry}, when the poll fails for another reason than a
   * wakeup, which it logs at WARN as {@code what}; a wakeup, or an interrupt during the pause, ends
   * the reader with a {@link WakeupException}.
   */
  public static Iterable<ConsumerRecord<String, byte[]>> pollOrPause(
      Consumer<String, byte[]> consumer,
      Duration poll,
      Duration retry,
      Logger log,
      String what,
      String topic) {
    try {
      return consumer.poll(poll);
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      log.warn(
          "{}: reading {} failed, trying again in {} s: {}",
          what,
          topic,
          retry.toSeconds(),
          e.toString());
      try {
        Thread.sleep(retry);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new WakeupException();
      }
      return List.of();
    }
  }
}

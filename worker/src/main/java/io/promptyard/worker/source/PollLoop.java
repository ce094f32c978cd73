package io.promptyard.worker.source;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.errors.WakeupException;

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
}

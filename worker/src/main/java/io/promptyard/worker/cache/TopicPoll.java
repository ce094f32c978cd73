package io.promptyard.worker.cache;

import io.promptyard.worker.source.PollLoop;
import java.time.Duration;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;

/**
 * The polls of a topic that a worker reads whole for as long as it runs, with a consumer of its own
 * (the semantic-cache and semantic-pauses topics): a poll that fails for another reason than the
 * consumer's wakeup is logged and tried again after {@link #RETRY}, so that the reader stops only
 * with the worker.
 */
final class TopicPoll {

  /** How long one poll waits for records. */
  static final Duration POLL = Duration.ofMillis(500);

  /** How long the reader waits after a failed poll before it polls again. */
  static final Duration RETRY = Duration.ofSeconds(5);

  private TopicPoll() {}

  /**
   * The next records of {@code topic}; none, after {@link #RETRY}, when the poll fails for another
   * reason than a wakeup.
   *
   * @param what the reader, for the warning: {@code semantic cache}
   * @throws WakeupException when the consumer is woken up, or the wait interrupted: the reader is
   *     closing
   */
  static Iterable<ConsumerRecord<String, byte[]>> next(
      Consumer<String, byte[]> consumer, String topic, String what, Logger log) {
    return PollLoop.pollOrPause(consumer, POLL, RETRY, log, what, topic);
  }
}

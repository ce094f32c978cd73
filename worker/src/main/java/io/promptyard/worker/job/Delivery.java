package io.promptyard.worker.job;

import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.topics.RecordHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * What a job's record says besides the job: whether an operator replayed it from the dead-letter
 * topic ({@link RecordHeaders#REPLAY}), and how many of its attempts were made before that replay,
 * which its attempt budget no longer counts. A replayed job keeps both headers when it is forwarded
 * or parked on a retry topic.
 *
 * @param replayOf the replay header's text (the dead letter it came from); null when the job was
 *     not replayed
 * @param attemptsBeforeReplay attempts in the job's history that were made before the replay
 */
public record Delivery(String replayOf, int attemptsBeforeReplay) {

  /** A job as the router or a fallback sent it, never replayed. */
  public static final Delivery ORIGINAL = new Delivery(null, 0);

  /** True when an operator replayed the job from the dead-letter topic. */
  public boolean replayed() {
    return replayOf != null;
  }

  /** The delivery of {@code job} as its record's headers describe it. */
  public static Delivery of(Headers headers, RoutedRequest job) {
    String replay = text(headers.lastHeader(RecordHeaders.REPLAY));
    if (replay == null) {
      return ORIGINAL;
    }
    String before = text(headers.lastHeader(RecordHeaders.ATTEMPTS_BEFORE_REPLAY));
    int attempts = job.getAttempts().size();
    if (before != null) {
      try {
        // Never more than the job's history: a mangled header must not widen the budget past one
        // replay.
        return new Delivery(
            replay, Math.min(attempts, Math.max(0, Integer.parseInt(before.trim()))));
      } catch (NumberFormatException e) {
        // treated as a first replay below
      }
    }
    return new Delivery(replay, attempts);
  }

  /** Adds this delivery's headers to a record that carries the job on (a fallback or a retry). */
  public void addTo(Headers headers) {
    if (replayed()) {
      headers.add(RecordHeaders.REPLAY, replayOf.getBytes(StandardCharsets.UTF_8));
      headers.add(
          RecordHeaders.ATTEMPTS_BEFORE_REPLAY,
          Integer.toString(attemptsBeforeReplay).getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String text(Header h) {
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}

package io.promptyard.schemas.topics;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Names of the Kafka record headers Promptyard sets. Every one starts with {@link
 * #INTERNAL_PREFIX}, and only Promptyard may set them: the router drops them from producers'
 * records ({@link #withoutInternal}).
 */
public final class RecordHeaders {

  /**
   * What the name of every header Promptyard sets starts with, compared ignoring case: a producer's
   * header with such a name is dropped at ingress, whatever its case.
   */
  public static final String INTERNAL_PREFIX = "promptyard-";

  /**
   * On records of a provider's retry topic: the epoch millisecond (decimal text) before which the
   * job must not be handed back to its provider topic.
   */
  public static final String DUE_AT = "promptyard-due-at";

  /**
   * On a job an operator replayed from the dead-letter topic (free text naming the dead letter it
   * came from and, as {@code promptyard dlq replay} writes it, when). The worker runs a replayed
   * job again unless its id already SUCCEEDED or this same replay already published a result: a job
   * that failed gets a new terminal result, which supersedes the old one (results are keyed by id);
   * one that succeeded is not called again.
   */
  public static final String REPLAY = "promptyard-replay";

  /**
   * Set by the worker on a replayed job it forwards or parks (decimal text): how many of the job's
   * attempts were made before the replay. They stay in its history, but its attempt budget counts
   * only the later ones.
   */
  public static final String ATTEMPTS_BEFORE_REPLAY = "promptyard-attempts-before-replay";

  /** Whether a header of this name is Promptyard's own, which producers may not set. */
  public static boolean isInternal(String name) {
    return name != null
        && name.regionMatches(true, 0, INTERNAL_PREFIX, 0, INTERNAL_PREFIX.length());
  }

  /** The names of the {@linkplain #isInternal internal} headers among {@code headers}, in order. */
  public static List<String> internalNames(Headers headers) {
    List<String> names = new ArrayList<>();
    for (Header h : headers) {
      if (isInternal(h.key())) {
        names.add(h.key());
      }
    }
    return names;
  }

  /** A copy of {@code headers} without the {@linkplain #isInternal internal} ones. */
  public static Headers withoutInternal(Headers headers) {
    Headers kept = new org.apache.kafka.common.header.internals.RecordHeaders();
    for (Header h : headers) {
      if (!isInternal(h.key())) {
        kept.add(h);
      }
    }
    return kept;
  }

  private RecordHeaders() {}
}

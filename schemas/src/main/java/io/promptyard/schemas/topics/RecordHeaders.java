package io.promptyard.schemas.topics;

/** Names of the Kafka record headers Promptyard sets. */
public final class RecordHeaders {

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

  private RecordHeaders() {}
}

package io.promptyard.schemas.topics;

/** Names of the Kafka record headers Promptyard sets. */
public final class RecordHeaders {

  /**
   * On records of a provider's retry topic: the epoch millisecond (decimal text) before which the job must
   * not be handed back to its provider topic.
   */
  public static final String DUE_AT = "promptyard-due-at";

  public static final String REPLAY = "promptyard-replay";

  private RecordHeaders() {}
}

package io.promptyard.cli.dlq;

import io.promptyard.schemas.DeadLetter;

/**
 * A dead letter where it sits on the dead-letter topic; {@code partition@offset} names it on the
 * command line.
 *
 * @param topic the dead-letter topic
 * @param recordKey the dead-letter record's key (the request id, when known), or null
 */
public record LetterOnTopic(
    String topic, int partition, long offset, String recordKey, DeadLetter letter) {

  /** {@code partition@offset}, as {@code dlq list} prints it and {@code dlq show} takes it. */
  public String position() {
    return partition + "@" + offset;
  }

  /** The value of the replay header: which dead letter a replayed record came from. */
  public String replaySource() {
    return topic + "/" + position();
  }

  /** The request id: the dead letter's own, else its record key. */
  public String requestId() {
    return letter.getRequestId() != null ? letter.getRequestId() : recordKey;
  }
}

package io.promptyard.schemas.kafka;

import io.promptyard.schemas.DeadLetter;

/**
 * The Kafka serializer of {@link DeadLetter} records, to name in a client's {@code
 * value.serializer}.
 */
public final class DeadLetterSerializer extends PromptyardSerializer<DeadLetter> {
  public DeadLetterSerializer() {
    super(DeadLetter.class);
  }
}

package io.promptyard.schemas.kafka;

import io.promptyard.schemas.DeadLetter;

/**
 * The Kafka deserializer of {@link DeadLetter} records, to name in a client's {@code
 * value.deserializer}.
 */
public final class DeadLetterDeserializer extends PromptyardDeserializer<DeadLetter> {
  public DeadLetterDeserializer() {
    super(DeadLetter.class);
  }
}

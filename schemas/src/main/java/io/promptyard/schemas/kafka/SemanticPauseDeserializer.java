package io.promptyard.schemas.kafka;

import io.promptyard.schemas.SemanticPause;

/**
 * The Kafka deserializer of {@link SemanticPause} records, to name in a client's {@code
 * value.deserializer}.
 */
public final class SemanticPauseDeserializer extends PromptyardDeserializer<SemanticPause> {
  public SemanticPauseDeserializer() {
    super(SemanticPause.class);
  }
}

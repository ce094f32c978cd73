package io.promptyard.schemas.kafka;

import io.promptyard.schemas.SemanticPause;

/**
 * The Kafka serializer of {@link SemanticPause} records, to name in a client's {@code
 * value.serializer}.
 */
public final class SemanticPauseSerializer extends PromptyardSerializer<SemanticPause> {
  public SemanticPauseSerializer() {
    super(SemanticPause.class);
  }
}

package io.promptyard.schemas.kafka;

import io.promptyard.schemas.CompletionRequest;

/**
 * The Kafka deserializer of {@link CompletionRequest} records, to name in a client's {@code
 * value.deserializer}.
 */
public final class CompletionRequestDeserializer extends PromptyardDeserializer<CompletionRequest> {
  public CompletionRequestDeserializer() {
    super(CompletionRequest.class);
  }
}

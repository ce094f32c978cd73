package io.promptyard.schemas.kafka;

import io.promptyard.schemas.CompletionRequest;

/**
 * The Kafka serializer of {@link CompletionRequest} records, to name in a client's {@code
 * value.serializer}.
 */
public final class CompletionRequestSerializer extends PromptyardSerializer<CompletionRequest> {
  public CompletionRequestSerializer() {
    super(CompletionRequest.class);
  }
}

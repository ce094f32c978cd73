package io.promptyard.schemas.kafka;

import io.promptyard.schemas.CompletionResult;

/**
 * The Kafka serializer of {@link CompletionResult} records, to name in a client's {@code
 * value.serializer}.
 */
public final class CompletionResultSerializer extends PromptyardSerializer<CompletionResult> {
  public CompletionResultSerializer() {
    super(CompletionResult.class);
  }
}

package io.promptyard.schemas.kafka;

import io.promptyard.schemas.CompletionResult;

/**
 * The Kafka deserializer of {@link CompletionResult} records, to name in a client's {@code
 * value.deserializer}.
 */
public final class CompletionResultDeserializer extends PromptyardDeserializer<CompletionResult> {
  public CompletionResultDeserializer() {
    super(CompletionResult.class);
  }
}

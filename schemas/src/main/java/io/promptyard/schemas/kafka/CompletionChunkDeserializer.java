package io.promptyard.schemas.kafka;

import io.promptyard.schemas.CompletionChunk;

/**
 * The Kafka deserializer of {@link CompletionChunk} records, to name in a client's {@code
 * value.deserializer}.
 */
public final class CompletionChunkDeserializer extends PromptyardDeserializer<CompletionChunk> {
  public CompletionChunkDeserializer() {
    super(CompletionChunk.class);
  }
}

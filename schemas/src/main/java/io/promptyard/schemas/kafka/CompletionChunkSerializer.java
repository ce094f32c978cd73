package io.promptyard.schemas.kafka;

import io.promptyard.schemas.CompletionChunk;

/**
 * The Kafka serializer of {@link CompletionChunk} records, to name in a client's {@code
 * value.serializer}.
 */
public final class CompletionChunkSerializer extends PromptyardSerializer<CompletionChunk> {
  public CompletionChunkSerializer() {
    super(CompletionChunk.class);
  }
}

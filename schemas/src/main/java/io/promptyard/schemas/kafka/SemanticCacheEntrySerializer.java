package io.promptyard.schemas.kafka;

import io.promptyard.schemas.SemanticCacheEntry;

/**
 * The Kafka serializer of {@link SemanticCacheEntry} records, to name in a client's {@code
 * value.serializer}.
 */
public final class SemanticCacheEntrySerializer extends PromptyardSerializer<SemanticCacheEntry> {
  public SemanticCacheEntrySerializer() {
    super(SemanticCacheEntry.class);
  }
}

package io.promptyard.schemas.kafka;

import io.promptyard.schemas.SemanticCacheEntry;

/**
 * The Kafka deserializer of {@link SemanticCacheEntry} records, to name in a client's {@code
 * value.deserializer}.
 */
public final class SemanticCacheEntryDeserializer
    extends PromptyardDeserializer<SemanticCacheEntry> {
  public SemanticCacheEntryDeserializer() {
    super(SemanticCacheEntry.class);
  }
}

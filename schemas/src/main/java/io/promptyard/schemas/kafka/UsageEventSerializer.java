package io.promptyard.schemas.kafka;

import io.promptyard.schemas.UsageEvent;

/**
 * The Kafka serializer of {@link UsageEvent} records, to name in a client's {@code
 * value.serializer}.
 */
public final class UsageEventSerializer extends PromptyardSerializer<UsageEvent> {
  public UsageEventSerializer() {
    super(UsageEvent.class);
  }
}

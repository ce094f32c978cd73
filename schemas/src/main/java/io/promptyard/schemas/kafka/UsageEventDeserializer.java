package io.promptyard.schemas.kafka;

import io.promptyard.schemas.UsageEvent;

/**
 * The Kafka deserializer of {@link UsageEvent} records, to name in a client's {@code
 * value.deserializer}.
 */
public final class UsageEventDeserializer extends PromptyardDeserializer<UsageEvent> {
  public UsageEventDeserializer() {
    super(UsageEvent.class);
  }
}

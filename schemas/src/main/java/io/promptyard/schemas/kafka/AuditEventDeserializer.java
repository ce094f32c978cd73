package io.promptyard.schemas.kafka;

import io.promptyard.schemas.AuditEvent;

/**
 * The Kafka deserializer of {@link AuditEvent} records, to name in a client's {@code
 * value.deserializer}.
 */
public final class AuditEventDeserializer extends PromptyardDeserializer<AuditEvent> {
  public AuditEventDeserializer() {
    super(AuditEvent.class);
  }
}

package io.promptyard.schemas.kafka;

import io.promptyard.schemas.AuditEvent;

/**
 * The Kafka serializer of {@link AuditEvent} records, to name in a client's {@code
 * value.serializer}.
 */
public final class AuditEventSerializer extends PromptyardSerializer<AuditEvent> {
  public AuditEventSerializer() {
    super(AuditEvent.class);
  }
}

package io.promptyard.schemas.kafka;

import io.promptyard.schemas.Alert;

/**
 * The Kafka serializer of {@link Alert} records, to name in a client's {@code value.serializer}.
 */
public final class AlertSerializer extends PromptyardSerializer<Alert> {
  public AlertSerializer() {
    super(Alert.class);
  }
}

package io.promptyard.schemas.kafka;

import io.promptyard.schemas.Alert;

/**
 * The Kafka deserializer of {@link Alert} records, to name in a client's {@code
 * value.deserializer}.
 */
public final class AlertDeserializer extends PromptyardDeserializer<Alert> {
  public AlertDeserializer() {
    super(Alert.class);
  }
}

package io.promptyard.schemas.kafka;

import io.promptyard.schemas.ProviderHealth;

/**
 * The Kafka deserializer of {@link ProviderHealth} records, to name in a client's {@code
 * value.deserializer}.
 */
public final class ProviderHealthDeserializer extends PromptyardDeserializer<ProviderHealth> {
  public ProviderHealthDeserializer() {
    super(ProviderHealth.class);
  }
}

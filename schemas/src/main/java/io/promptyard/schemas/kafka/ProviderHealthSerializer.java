package io.promptyard.schemas.kafka;

import io.promptyard.schemas.ProviderHealth;

/**
 * The Kafka serializer of {@link ProviderHealth} records, to name in a client's {@code
 * value.serializer}.
 */
public final class ProviderHealthSerializer extends PromptyardSerializer<ProviderHealth> {
  public ProviderHealthSerializer() {
    super(ProviderHealth.class);
  }
}

package io.promptyard.schemas.kafka;

import io.promptyard.schemas.UsageTotals;

/**
 * The Kafka deserializer of {@link UsageTotals} records, to name in a client's {@code
 * value.deserializer}.
 */
public final class UsageTotalsDeserializer extends PromptyardDeserializer<UsageTotals> {
  public UsageTotalsDeserializer() {
    super(UsageTotals.class);
  }
}

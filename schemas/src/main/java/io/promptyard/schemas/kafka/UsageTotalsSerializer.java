package io.promptyard.schemas.kafka;

import io.promptyard.schemas.UsageTotals;

/**
 * The Kafka serializer of {@link UsageTotals} records, to name in a client's {@code
 * value.serializer}.
 */
public final class UsageTotalsSerializer extends PromptyardSerializer<UsageTotals> {
  public UsageTotalsSerializer() {
    super(UsageTotals.class);
  }
}

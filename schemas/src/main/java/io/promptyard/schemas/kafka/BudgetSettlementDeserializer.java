package io.promptyard.schemas.kafka;

import io.promptyard.schemas.BudgetSettlement;

/**
 * The Kafka deserializer of {@link BudgetSettlement} records, to name in a client's {@code
 * value.deserializer}.
 */
public final class BudgetSettlementDeserializer extends PromptyardDeserializer<BudgetSettlement> {
  public BudgetSettlementDeserializer() {
    super(BudgetSettlement.class);
  }
}

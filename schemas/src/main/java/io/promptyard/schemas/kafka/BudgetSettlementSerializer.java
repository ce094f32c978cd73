package io.promptyard.schemas.kafka;

import io.promptyard.schemas.BudgetSettlement;

/**
 * The Kafka serializer of {@link BudgetSettlement} records, to name in a client's {@code
 * value.serializer}.
 */
public final class BudgetSettlementSerializer extends PromptyardSerializer<BudgetSettlement> {
  public BudgetSettlementSerializer() {
    super(BudgetSettlement.class);
  }
}

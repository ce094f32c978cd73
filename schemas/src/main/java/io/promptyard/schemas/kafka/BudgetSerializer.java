package io.promptyard.schemas.kafka;

import io.promptyard.schemas.Budget;

/**
 * The Kafka serializer of {@link Budget} records, to name in a client's {@code value.serializer}.
 */
public final class BudgetSerializer extends PromptyardSerializer<Budget> {
  public BudgetSerializer() {
    super(Budget.class);
  }
}

package io.promptyard.schemas.kafka;

import io.promptyard.schemas.Budget;

/**
 * The Kafka deserializer of {@link Budget} records, to name in a client's {@code
 * value.deserializer}.
 */
public final class BudgetDeserializer extends PromptyardDeserializer<Budget> {
  public BudgetDeserializer() {
    super(Budget.class);
  }
}

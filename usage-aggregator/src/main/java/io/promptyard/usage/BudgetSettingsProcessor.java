package io.promptyard.usage;

import io.promptyard.schemas.Alert;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.usage.budget.BudgetTracker;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each team's budget settings (from {@code promptyard budget set}), publishes the team's
 * budget status at once when they change, and raises the alerts that the new limit calls for. A
 * tombstone removes the budget.
 */
final class BudgetSettingsProcessor extends DecodingProcessor<Budget> {

  private static final Logger log = LoggerFactory.getLogger(BudgetSettingsProcessor.class);

  private KeyValueStore<String, Budget> settings;
  private BudgetTracker budgets;

  BudgetSettingsProcessor(UsageTopology.Options options, UsageMetrics metrics) {
    super(Budget.class, options, metrics);
  }

  @Override
  void open() {
    this.settings = context.getStateStore(UsageTopology.BUDGETS_STORE);
    this.budgets = UsageTopology.budgetTracker(context, options);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.value() == null) {
      if (record.key() != null) {
        settings.delete(record.key());
        context.forward(record.withValue(null), UsageTopology.TO_STATUS);
        log.info("budget of team {} removed", ProducerText.escape(record.key()));
      }
      return;
    }
    Optional<Budget> decoded = decode(record);
    if (decoded.isEmpty()) {
      return;
    }
    Budget budget = decoded.get();
    String team = budget.getTeam();
    settings.put(team, budget);
    Instant at = budget.getUpdatedAt();
    log.info(
        "budget of team {} set: {} micro-dollars a month, alerts at {}%",
        ProducerText.escape(team),
        budget.getMonthlyLimitMicros(),
        budget.getAlertThresholdsPercent());
    context.forward(
        record.withKey(team).withValue((Object) budgets.status(team, at)), UsageTopology.TO_STATUS);
    for (Alert alert : budgets.raiseDue(team, at)) {
      AggregateProcessor.raise(context, metrics, record, alert);
    }
  }
}

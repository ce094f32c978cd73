package io.promptyard.usage.budget;

import io.promptyard.schemas.Alert;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.usage.Period;
import io.promptyard.usage.totals.Totals;
import io.promptyard.usage.totals.TotalsKey;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A team's budget as one stream task sees it: its settings, its spend in a calendar month (from the
 * totals) and the alerts raised so far, which are remembered in a store so that each fires once per
 * month even across restarts.
 */
public final class BudgetTracker {

  private final KeyValueStore<String, Budget> settings;
  private final KeyValueStore<String, Totals> totals;
  private final KeyValueStore<String, Alert> raised;
  private final BudgetAlerts rules;

  public BudgetTracker(
      KeyValueStore<String, Budget> settings,
      KeyValueStore<String, Totals> totals,
      KeyValueStore<String, Alert> raised,
      BudgetAlerts rules) {
    this.settings = settings;
    this.totals = totals;
    this.raised = raised;
    this.rules = rules;
  }

  /** The team's spend in the UTC calendar month containing {@code at}. */
  public long spentInMonth(String team, Instant at) {
    Totals month = totals.get(TotalsKey.team(team, Period.MONTH, at));
    return month == null ? 0 : month.costMicros();
  }

  /**
   * Alerts the team's spend calls for now that were not raised before; they are remembered as
   * raised.
   */
  public List<Alert> raiseDue(String team, Instant at) {
    Budget budget = settings.get(team);
    if (budget == null) {
      return List.of();
    }
    List<Alert> due = rules.due(budget, spentInMonth(team, at), at, id -> raised.get(id) != null);
    due.forEach(a -> raised.put(a.getId(), a));
    return due;
  }

  /**
   * The team's limits with its spend in the month containing {@code at}; null when it has no
   * budget.
   */
  public Budget status(String team, Instant at) {
    Budget budget = settings.get(team);
    if (budget == null) {
      return null;
    }
    return Budget.newBuilder(budget)
        .setSpentThisMonthMicros(spentInMonth(team, at))
        .setUpdatedAt(at)
        .build();
  }
}

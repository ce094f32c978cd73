package io.promptyard.usage.budget;

import io.promptyard.schemas.Alert;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.BudgetSettlement;
import io.promptyard.schemas.UsageEvent;
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
    Totals month = month(team, at);
    return month == null ? 0 : month.costMicros();
  }

  private Totals month(String team, Instant at) {
    return totals.get(TotalsKey.team(team, Period.MONTH, at));
  }

  /**
   * The settlement of {@code event}'s request, just counted, for the router to drop its budget
   * reservation: the team's spend and tokens in the event's month, the event included. Null when
   * the team has no budget (the router reserved nothing) or the event is not its request's last.
   */
  public BudgetSettlement settlement(UsageEvent event) {
    if (Boolean.FALSE.equals(event.getSettles()) || settings.get(event.getTeam()) == null) {
      return null;
    }
    Instant at = event.getOccurredAt();
    Totals month = month(event.getTeam(), at);
    return new BudgetSettlement(
        event.getTeam(),
        event.getRequestId(),
        Period.MONTH.format(at),
        month == null ? 0 : month.costMicros(),
        month == null ? 0 : month.tokens(),
        at);
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
    Totals month = month(team, at);
    return Budget.newBuilder(budget)
        .setSpentThisMonthMicros(month == null ? 0 : month.costMicros())
        .setTokensThisMonth(month == null ? 0 : month.tokens())
        .setUpdatedAt(at)
        .build();
  }
}

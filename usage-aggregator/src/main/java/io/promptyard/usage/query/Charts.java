package io.promptyard.usage.query;

import io.promptyard.schemas.Budget;
import io.promptyard.schemas.UsageTotals;
import io.promptyard.schemas.usage.Period;
import io.promptyard.usage.budget.BudgetAlerts;
import io.promptyard.usage.query.Views.ProviderSeries;
import io.promptyard.usage.query.Views.ProviderView;
import io.promptyard.usage.query.Views.TeamSpend;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The dashboard's chart series, read from the totals the aggregator keeps anyway (team by day,
 * provider × model by hour): each team's spend per day this month with its month-end projection and
 * budget, and each provider model's p95 latency and error rate per hour.
 */
public final class Charts {

  private final LocalQueries local;
  private final Clock clock;
  private final BudgetAlerts runRate;

  /**
   * @param runRate projects a month's spend to its end, as the forecast alerts do
   */
  public Charts(LocalQueries local, Clock clock, BudgetAlerts runRate) {
    this.local = local;
    this.clock = clock;
    this.runRate = runRate;
  }

  /** The labels of this month's days up to today, first day first. */
  public List<String> daysSoFar() {
    return daysSoFar(clock.instant());
  }

  private static List<String> daysSoFar(Instant now) {
    List<String> days = new ArrayList<>();
    for (Instant d = Period.MONTH.start(now); !d.isAfter(now); d = Period.DAY.next(d)) {
      days.add(Period.DAY.format(d));
    }
    return days;
  }

  /** The number of days of this month. */
  public int daysInMonth() {
    Instant start = Period.MONTH.start(clock.instant());
    return (int) Duration.between(start, Period.MONTH.next(start)).toDays();
  }

  /**
   * The spend of every team this instance holds (with usage this month or a budget): one figure per
   * day of {@link #daysSoFar()}, the month's total, its projection and the team's budget.
   */
  public List<TeamSpend> teamSpend() {
    Instant now = clock.instant();
    Instant monthStart = Period.MONTH.start(now);
    int days = daysSoFar(now).size();
    Map<String, long[]> daily = new TreeMap<>();
    for (UsageTotals row : local.teamTotals(Period.DAY)) {
      Instant day = row.getPeriodStart();
      if (!day.isBefore(monthStart) && !day.isAfter(now)) {
        int index = (int) Duration.between(monthStart, day).toDays();
        daily.computeIfAbsent(row.getKey(), team -> new long[days])[index] += row.getCostMicros();
      }
    }
    Map<String, Budget> budgets = local.budgets();
    TreeSet<String> teams = new TreeSet<>(daily.keySet());
    teams.addAll(budgets.keySet());
    List<TeamSpend> spend = new ArrayList<>();
    for (String team : teams) {
      long[] costs = daily.getOrDefault(team, new long[days]);
      long spent = Arrays.stream(costs).sum();
      OptionalLong projected = runRate.projectedMonthEnd(spent, now);
      Budget budget = budgets.get(team);
      spend.add(
          new TeamSpend(
              team,
              Arrays.stream(costs).boxed().toList(),
              spent,
              projected.isPresent() ? projected.getAsLong() : null,
              budget == null ? null : budget.getMonthlyLimitMicros()));
    }
    return spend;
  }

  /** The {@code limit} teams that spent most this month (ties by name), most first. */
  public static List<TeamSpend> top(Collection<TeamSpend> teams, int limit) {
    return teams.stream()
        .sorted(
            Comparator.comparingLong(TeamSpend::spentMicros)
                .reversed()
                .thenComparing(TeamSpend::team))
        .limit(limit)
        .toList();
  }

  /** The labels of the last {@code count} hours, the current one last. */
  public List<String> lastHours(int count) {
    Instant hour = Period.HOUR.start(clock.instant());
    List<String> hours = new ArrayList<>();
    for (int i = count - 1; i >= 0; i--) {
      hours.add(Period.HOUR.format(hour.minus(Duration.ofHours(i))));
    }
    return hours;
  }

  /**
   * This instance's provider × model totals of the {@code hours} (partial: only its partitions'
   * share; {@link #providerSeries} wants them merged across instances).
   */
  public List<UsageTotals> providerPartials(List<String> hours) {
    return local.providerPartials(
        Period.HOUR, Period.HOUR.parse(hours.getFirst()), Period.HOUR.parse(hours.getLast()));
  }

  /**
   * The series of the {@code limit} provider models with the most provider calls over the {@code
   * hours}, from their hourly totals (each provider model and hour once, merged across partitions).
   * A model whose every request in those hours was a cache hit has no line to draw and is left out.
   */
  public static List<ProviderSeries> providerSeries(
      Collection<UsageTotals> hourTotals, List<String> hours, int limit) {
    Map<String, ProviderView[]> byModel = new LinkedHashMap<>();
    for (UsageTotals row : hourTotals) {
      int index = hours.indexOf(Period.HOUR.format(row.getPeriodStart()));
      if (index >= 0) {
        byModel.computeIfAbsent(row.getKey(), k -> new ProviderView[hours.size()])[index] =
            ProviderView.of(row);
      }
    }
    return byModel.values().stream()
        .map(Charts::series)
        .filter(s -> calls(s) > 0)
        .sorted(
            Comparator.comparingLong((ProviderSeries s) -> calls(s))
                .reversed()
                .thenComparing(ProviderSeries::provider)
                .thenComparing(ProviderSeries::model))
        .limit(limit)
        .toList();
  }

  /** The number of provider models the series of {@link #providerSeries} are chosen from. */
  public static int models(Collection<UsageTotals> hourTotals, List<String> hours) {
    return providerSeries(hourTotals, hours, Integer.MAX_VALUE).size();
  }

  private static ProviderSeries series(ProviderView[] byHour) {
    ProviderView any = Arrays.stream(byHour).filter(v -> v != null).findFirst().orElseThrow();
    List<Long> calls = new ArrayList<>();
    List<Long> errors = new ArrayList<>();
    List<Long> p95 = new ArrayList<>();
    List<Double> errorRate = new ArrayList<>();
    for (ProviderView v : byHour) {
      boolean called = v != null && v.providerCalls() > 0;
      calls.add(v == null ? 0 : v.providerCalls());
      errors.add(v == null ? 0 : v.errors());
      p95.add(called ? v.latencyP95Millis() : null);
      errorRate.add(called ? v.errorRate() : null);
    }
    return new ProviderSeries(any.provider(), any.model(), calls, errors, p95, errorRate);
  }

  private static long calls(ProviderSeries s) {
    return s.providerCalls().stream().mapToLong(Long::longValue).sum();
  }
}

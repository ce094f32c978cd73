package io.promptyard.usage.query;

import io.promptyard.schemas.Alert;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.UsageTotals;
import io.promptyard.schemas.usage.Period;
import io.promptyard.usage.UsageTopology;
import io.promptyard.usage.guard.GuardCount;
import io.promptyard.usage.query.Views.BreakdownRow;
import io.promptyard.usage.query.Views.BudgetView;
import io.promptyard.usage.query.Views.TeamSummary;
import io.promptyard.usage.shadow.FalseHitWindow;
import io.promptyard.usage.totals.Breakdown;
import io.promptyard.usage.totals.Totals;
import io.promptyard.usage.totals.TotalsKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads this instance's stores (the partitions it owns); {@link QueryServer} combines instances.
 */
public final class LocalQueries {

  private final Function<String, ReadOnlyKeyValueStore<String, ?>> stores;

  public LocalQueries(KafkaStreams streams) {
    this(
        name ->
            streams.store(
                StoreQueryParameters.fromNameAndType(
                    name, QueryableStoreTypes.<String, Object>keyValueStore())));
  }

  /** Reads the stores {@code stores} finds by name (a topology test driver's, in tests). */
  public LocalQueries(Function<String, ReadOnlyKeyValueStore<String, ?>> stores) {
    this.stores = stores;
  }

  @SuppressWarnings("unchecked") // each store's value type is fixed by the topology
  private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
    return (ReadOnlyKeyValueStore<String, V>) stores.apply(name);
  }

  /** Every total whose key starts with {@code prefix}, as records. */
  public List<UsageTotals> totalsWithPrefix(String prefix) {
    List<UsageTotals> rows = new ArrayList<>();
    ReadOnlyKeyValueStore<String, Totals> store = store(UsageTopology.TOTALS_STORE);
    try (KeyValueIterator<String, Totals> it = store.range(prefix, prefix + Character.MAX_VALUE)) {
      it.forEachRemaining(kv -> rows.add(kv.value.toRecord()));
    }
    return rows;
  }

  /**
   * One team's rows of a period from {@code from} to {@code to} (period starts, inclusive), oldest
   * first.
   */
  public List<UsageTotals> teamRows(String team, Period period, Instant from, Instant to) {
    String prefix = TotalsKey.teamPrefix(team, period);
    List<UsageTotals> rows = new ArrayList<>();
    ReadOnlyKeyValueStore<String, Totals> store = store(UsageTopology.TOTALS_STORE);
    try (KeyValueIterator<String, Totals> it =
        store.range(prefix + period.format(from), prefix + period.format(to))) {
      it.forEachRemaining(kv -> rows.add(kv.value.toRecord()));
    }
    return rows;
  }

  /** One team's use of each model over a range of periods, each model's rows merged. */
  public List<UsageTotals> teamModels(String team, Period period, Instant from, Instant to) {
    Map<String, Totals> byModel = new TreeMap<>();
    for (UsageTotals row : totalsWithPrefix(TotalsKey.teamModelPrefix(team))) {
      if (row.getPeriod().equals(period.label())
          && !row.getPeriodStart().isBefore(from)
          && !row.getPeriodStart().isAfter(to)) {
        mergeInto(byModel, row.getProvider() + "/" + row.getModel(), row);
      }
    }
    return byModel.values().stream()
        .map(Totals::toRecord)
        .sorted(Comparator.comparingLong(UsageTotals::getCostMicros).reversed())
        .toList();
  }

  /**
   * One team's rows of one {@link Breakdown} in the period starting at {@code start}, by value,
   * costliest first (then by value).
   */
  public List<BreakdownRow> breakdown(String team, Breakdown by, Period period, Instant start) {
    String prefix = TotalsKey.breakdownPrefix(team, by);
    String suffix = "|" + period.label() + "|" + period.format(start);
    List<BreakdownRow> rows = new ArrayList<>();
    ReadOnlyKeyValueStore<String, Totals> store = store(UsageTopology.TOTALS_STORE);
    try (KeyValueIterator<String, Totals> it = store.prefixScan(prefix, new StringSerializer())) {
      it.forEachRemaining(
          kv -> {
            if (kv.key.endsWith(suffix)) {
              UsageTotals t = kv.value.toRecord();
              // the key of the totals is the team, a bar, then the value
              rows.add(BreakdownRow.of(t.getKey().substring(team.length() + 1), t));
            }
          });
    }
    rows.sort(
        Comparator.comparingLong(BreakdownRow::costMicros)
            .reversed()
            .thenComparing(BreakdownRow::value));
    return rows;
  }

  /**
   * This instance's provider × model totals of one period (partial: only its partitions' share).
   */
  public List<UsageTotals> providerPartials(Period period, String label) {
    Instant start = period.parse(label);
    return providerPartials(period, start, start);
  }

  /**
   * This instance's provider × model totals of the periods from {@code from} to {@code to} (period
   * starts, inclusive), partial as {@link #providerPartials(Period, String)}.
   */
  public List<UsageTotals> providerPartials(Period period, Instant from, Instant to) {
    List<UsageTotals> rows = new ArrayList<>();
    for (UsageTotals row : totalsWithPrefix(TotalsKey.PROVIDER_MODEL + "|")) {
      if (row.getPeriod().equals(period.label())
          && !row.getPeriodStart().isBefore(from)
          && !row.getPeriodStart().isAfter(to)) {
        rows.add(row);
      }
    }
    return rows;
  }

  /** The month's and the day's figures of every team this instance holds, with their budgets. */
  public List<TeamSummary> teams(String month, String day) {
    Map<String, UsageTotals> monthRows = new TreeMap<>();
    Map<String, UsageTotals> dayRows = new TreeMap<>();
    for (UsageTotals row : totalsWithPrefix(TotalsKey.TEAM + "|")) {
      if (row.getPeriod().equals(Period.MONTH.label())
          && Period.MONTH.format(row.getPeriodStart()).equals(month)) {
        monthRows.put(row.getKey(), row);
      } else if (row.getPeriod().equals(Period.DAY.label())
          && Period.DAY.format(row.getPeriodStart()).equals(day)) {
        dayRows.put(row.getKey(), row);
      }
    }
    Map<String, Budget> budgets = budgets();
    List<TeamSummary> teams = new ArrayList<>();
    java.util.Set<String> names = new java.util.TreeSet<>(monthRows.keySet());
    names.addAll(budgets.keySet());
    for (String team : names) {
      UsageTotals m = monthRows.get(team);
      UsageTotals d = dayRows.get(team);
      long spent = m == null ? 0 : m.getCostMicros();
      teams.add(
          new TeamSummary(
              team,
              spent,
              m == null ? 0 : m.getRequests(),
              m == null ? 0 : m.getErrors(),
              m == null ? 0 : m.getCacheHits(),
              m == null ? 0 : m.getSavedCostMicros(),
              d == null ? 0 : d.getCostMicros(),
              d == null ? 0 : d.getRequests(),
              BudgetView.of(budgets.get(team), spent),
              m == null ? 0 : m.getShadowedHits(),
              m == null ? 0 : m.getShadowDisagreements(),
              Views.observedFalseHitRate(m),
              m == null ? 0 : m.getShadowCostMicros(),
              semanticPaused(team)));
    }
    return teams;
  }

  /** Whether the team's semantic mode is paused for its false hits, as this instance decided. */
  public boolean semanticPaused(String team) {
    ReadOnlyKeyValueStore<String, String> store = store(UsageTopology.FALSE_HITS_STORE);
    return FalseHitWindow.decode(store.get(team)).paused();
  }

  /** The team's budget settings, when this instance holds the team. */
  public Budget budget(String team) {
    ReadOnlyKeyValueStore<String, Budget> store = store(UsageTopology.BUDGETS_STORE);
    return store.get(team);
  }

  /** The budget settings of every team this instance holds, by team. */
  public Map<String, Budget> budgets() {
    Map<String, Budget> budgets = new TreeMap<>();
    ReadOnlyKeyValueStore<String, Budget> store = store(UsageTopology.BUDGETS_STORE);
    try (KeyValueIterator<String, Budget> it = store.all()) {
      it.forEachRemaining(kv -> budgets.put(kv.value.getTeam(), kv.value));
    }
    return budgets;
  }

  /** Every alert this instance raised, newest first. */
  public List<Alert> alerts() {
    List<Alert> alerts = new ArrayList<>();
    ReadOnlyKeyValueStore<String, Alert> store = store(UsageTopology.ALERTS_STORE);
    try (KeyValueIterator<String, Alert> it = store.all()) {
      it.forEachRemaining((KeyValue<String, Alert> kv) -> alerts.add(kv.value));
    }
    alerts.sort(Comparator.comparing(Alert::getRaisedAt).reversed());
    return alerts;
  }

  /** Every team-dimension total of the given period this instance holds. */
  public List<UsageTotals> teamTotals(Period period) {
    return totalsWithPrefix(TotalsKey.TEAM + "|").stream()
        .filter(t -> t.getPeriod().equals(period.label()))
        .toList();
  }

  /**
   * This instance's guard verdict counts of one period (partial: only its results partitions' share
   * of each row).
   */
  public List<GuardCount> guardPartials(Period period, String at) {
    String prefix = GuardCount.prefix(period, at);
    List<GuardCount> rows = new ArrayList<>();
    ReadOnlyKeyValueStore<String, GuardCount> store = store(UsageTopology.GUARD_STORE);
    try (KeyValueIterator<String, GuardCount> it =
        store.prefixScan(prefix, new StringSerializer())) {
      it.forEachRemaining(kv -> rows.add(kv.value));
    }
    return rows;
  }

  /** Adds {@code row} to the merged totals under {@code key}. */
  public static void mergeInto(Map<String, Totals> merged, String key, UsageTotals row) {
    Totals existing = merged.get(key);
    if (existing == null) {
      merged.put(key, Totals.fromRecord(row));
    } else {
      existing.merge(Totals.fromRecord(row));
    }
  }
}

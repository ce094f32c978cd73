package io.promptyard.usage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.promptyard.schemas.Alert;
import io.promptyard.schemas.AlertKind;

/** The aggregator's own counters: what became of each usage event, and the alerts raised. */
public final class UsageMetrics {

  private final MeterRegistry registry;
  private final Counter aggregated;
  private final Counter duplicates;
  private final Counter late;
  private final Counter undecodable;

  public UsageMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.aggregated = events("aggregated");
    this.duplicates = events("duplicate");
    this.late = events("late");
    this.undecodable = events("undecodable");
    // Every series of the alert counter is shown from the start at 0: a counter whose series first
    // appears at 1 has no increase() in Prometheus, so the first exceeded budget would never fire
    // the rule that selects it.
    for (AlertKind kind : AlertKind.values()) {
      if (kind != AlertKind.UNKNOWN) {
        alerts(kind, true);
        alerts(kind, false);
      }
    }
  }

  /** Counters kept in memory only, for tests and benchmarks. */
  public static UsageMetrics inMemory() {
    return new UsageMetrics(new SimpleMeterRegistry());
  }

  private Counter events(String outcome) {
    return Counter.builder("promptyard.usage.events")
        .tag("outcome", outcome)
        .description("usage events read, by what became of them")
        .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  void aggregated() {
    aggregated.increment();
  }

  void duplicate() {
    duplicates.increment();
  }

  void late() {
    late.increment();
  }

  void undecodable() {
    undecodable.increment();
  }

  /**
   * A budget alert was raised, counted by kind and by whether the team's spend has reached its
   * monthly limit ({@code exceeded}), which the Prometheus rule for an exceeded budget selects.
   */
  public void alert(Alert alert) {
    alerts(alert.getKind(), alert.getSpentMicros() >= alert.getLimitMicros()).increment();
  }

  private Counter alerts(AlertKind kind, boolean exceeded) {
    return Counter.builder("promptyard.usage.alerts")
        .tag("kind", kind.name())
        .tag("exceeded", String.valueOf(exceeded))
        .description("budget alerts raised, by kind and whether spend reached the limit")
        .register(registry);
  }

  /** Usage events counted into the totals so far (by this process). */
  public long aggregatedCount() {
    return (long) aggregated.count();
  }

  /** Events skipped because their id was counted already. */
  public long duplicateCount() {
    return (long) duplicates.count();
  }
}

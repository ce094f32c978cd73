package io.promptyard.usage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.promptyard.schemas.Alert;

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
    Counter.builder("promptyard.usage.alerts")
        .tag("kind", alert.getKind().name())
        .tag("exceeded", String.valueOf(alert.getSpentMicros() >= alert.getLimitMicros()))
        .description("budget alerts raised, by kind and whether spend reached the limit")
        .register(registry)
        .increment();
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

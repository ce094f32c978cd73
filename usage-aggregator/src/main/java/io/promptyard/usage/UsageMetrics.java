package io.promptyard.usage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

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

  void alert(String kind) {
    Counter.builder("promptyard.usage.alerts")
        .tag("kind", kind)
        .description("budget alerts raised")
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

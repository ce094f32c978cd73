package io.promptyard.usage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.promptyard.schemas.Alert;
import io.promptyard.schemas.AlertKind;
import java.util.HashSet;
import java.util.Set;

/**
 * The aggregator's own counters: what became of each usage event, the alerts raised, and the guard
 * verdicts counted from the results.
 */
public final class UsageMetrics {

  /**
   * The guardrails' detectors, as their verdicts name them: the {@code detector} label of the
   * verdict counter takes these values, and {@value #OTHER} for any other name.
   */
  public static final Set<String> DETECTORS =
      Set.of("email", "phone", "card", "iban", "ip", "ssn", "secret", "injection");

  /** The label of a detector not in {@link #DETECTORS}, or of a team beyond the first ones. */
  public static final String OTHER = "other";

  /** How many distinct teams the verdict counter labels; the rest are {@value #OTHER}. */
  public static final int MAX_TEAMS = 100;

  private final MeterRegistry registry;
  private final Counter aggregated;
  private final Counter duplicates;
  private final Counter late;
  private final Counter undecodable;
  private final Set<String> teams = new HashSet<>();

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
    alerts(
            alert.getKind(),
            alert.getKind() != AlertKind.FALSE_HITS
                && alert.getSpentMicros() >= alert.getLimitMicros())
        .increment();
  }

  /**
   * A shadow verification of a semantic cache hit of {@code team}'s (labelled as {@link
   * #guardVerdict} labels teams): whether the fresh answer agreed with the cached one.
   */
  void shadowVerification(String team, boolean agreed) {
    Counter.builder("promptyard.usage.shadow.verifications")
        .tag("team", teamLabel(team))
        .tag("answers", agreed ? "agree" : "disagree")
        .description(
            "semantic cache hits checked against a fresh answer, by team (the first teams seen; the"
                + " rest as other) and whether the answers agreed")
        .register(registry)
        .increment();
  }

  private Counter alerts(AlertKind kind, boolean exceeded) {
    return Counter.builder("promptyard.usage.alerts")
        .tag("kind", kind.name())
        .tag("exceeded", String.valueOf(exceeded))
        .description(
            "alerts raised (budget, and semantic cache false hits), by kind and whether spend"
                + " reached the limit")
        .register(registry);
  }

  /**
   * What became of a result carrying guard verdicts: {@code counted}, {@code duplicate} (its
   * request was counted already) or {@code late} (completed before the dedup retention).
   */
  void guardResult(String outcome) {
    Counter.builder("promptyard.usage.guard.results")
        .tag("outcome", outcome)
        .description("results carrying guard verdicts, by what became of them")
        .register(registry)
        .increment();
  }

  /** A verdict that could not be counted: its detector or action is not one. */
  void guardVerdictInvalid() {
    guardResult("invalid_verdict");
  }

  /**
   * A request of {@code team} on which {@code detector} took {@code action}, labelled by the team
   * while fewer than {@value #MAX_TEAMS} teams have been (first come, first served) and by the
   * detector when it is one of {@link #DETECTORS}; {@value #OTHER} otherwise.
   */
  void guardVerdict(String team, String detector, String action) {
    Counter.builder("promptyard.usage.guard.verdicts")
        .tag("team", teamLabel(team))
        .tag("detector", DETECTORS.contains(detector) ? detector : OTHER)
        .tag("action", action)
        .description(
            "requests a guard detector acted on, by team (the first teams seen; the rest as other),"
                + " detector and action")
        .register(registry)
        .increment();
  }

  private String teamLabel(String team) {
    synchronized (teams) {
      if (teams.contains(team) || teams.size() < MAX_TEAMS) {
        teams.add(team);
        return team;
      }
    }
    return OTHER;
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

package io.promptyard.usage.query;

import io.promptyard.schemas.Alert;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.UsageTotals;
import io.promptyard.schemas.money.MicroDollars;
import io.promptyard.schemas.usage.Period;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of the query API. Money is integer micro-dollars in fields named {@code …Micros}.
 */
public final class Views {

  private Views() {}

  /** Totals of one row (a period, a model) as the API shows them. */
  public record TotalsView(
      String period,
      String periodStart,
      String team,
      String provider,
      String model,
      long requests,
      long cacheHits,
      long errors,
      Map<String, Long> errorsByClass,
      long inputTokens,
      long outputTokens,
      long cachedInputTokens,
      long reasoningTokens,
      long costMicros,
      long savedCostMicros,
      long latencyP50Millis,
      long latencyP95Millis,
      long latencyP99Millis,
      long shadowedHits,
      long shadowDisagreements,
      Double falseHitRate,
      long shadowCostMicros) {

    public static TotalsView of(UsageTotals t) {
      Period p = Period.of(t.getPeriod());
      return new TotalsView(
          t.getPeriod(),
          p.format(t.getPeriodStart()),
          t.getTeam(),
          t.getProvider(),
          t.getModel(),
          t.getRequests(),
          t.getCacheHits(),
          t.getErrors(),
          t.getErrorsByClass(),
          t.getInputTokens(),
          t.getOutputTokens(),
          t.getCachedInputTokens(),
          t.getReasoningTokens(),
          t.getCostMicros(),
          t.getSavedCostMicros(),
          t.getLatencyP50Millis(),
          t.getLatencyP95Millis(),
          t.getLatencyP99Millis(),
          t.getShadowedHits(),
          t.getShadowDisagreements(),
          observedFalseHitRate(t),
          t.getShadowCostMicros());
    }
  }

  /** Observed false hits over shadowed hits, 0 to 1; null with none shadowed. */
  public static Double observedFalseHitRate(UsageTotals t) {
    return t == null || t.getShadowedHits() == 0
        ? null
        : (double) t.getShadowDisagreements() / t.getShadowedHits();
  }

  /** A team's budget settings with its spend this month. */
  public record BudgetView(
      long monthlyLimitMicros,
      Long softLimitMicros,
      List<Integer> alertThresholdsPercent,
      long spentMicros,
      long percentUsed) {

    public static BudgetView of(Budget b, long spentMicros) {
      return b == null
          ? null
          : new BudgetView(
              b.getMonthlyLimitMicros(),
              b.getSoftLimitMicros(),
              b.getAlertThresholdsPercent(),
              spentMicros,
              MicroDollars.percentOf(spentMicros, b.getMonthlyLimitMicros()));
    }
  }

  /**
   * One line of {@code /api/teams}: the team's spend this month and today, against its budget, and
   * the shadow verification of its semantic cache hits this month (the hits compared with a fresh
   * answer, the disagreements among them, their rate and the shadow calls' cost), and whether its
   * semantic mode is paused now for its false hits.
   */
  public record TeamSummary(
      String team,
      long monthCostMicros,
      long monthRequests,
      long monthErrors,
      long monthCacheHits,
      long monthSavedCostMicros,
      long dayCostMicros,
      long dayRequests,
      BudgetView budget,
      long monthShadowedHits,
      long monthShadowDisagreements,
      Double monthFalseHitRate,
      long monthShadowCostMicros,
      boolean semanticPaused) {}

  /** {@code /api/teams}. */
  public record TeamsResponse(
      String month, String day, List<TeamSummary> teams, List<String> unreachable) {}

  /** One user's, template's or tag's share of a team's usage over one day or month. */
  public record BreakdownRow(
      String value,
      long requests,
      long cacheHits,
      long errors,
      long inputTokens,
      long outputTokens,
      long costMicros,
      long savedCostMicros) {

    /** The row of {@code t}, totals of {@code team}'s requests with {@code value}. */
    public static BreakdownRow of(String value, UsageTotals t) {
      return new BreakdownRow(
          value,
          t.getRequests(),
          t.getCacheHits(),
          t.getErrors(),
          t.getInputTokens(),
          t.getOutputTokens(),
          t.getCostMicros(),
          t.getSavedCostMicros());
    }
  }

  /**
   * {@code /api/teams/{team}/usage/by/{user|template|tag}}: rows by cost, most first; values beyond
   * the month's bound ({@code maxValues}) are one row, {@code (other)}.
   */
  public record BreakdownResponse(
      String team,
      String by,
      String period,
      String at,
      int maxValues,
      List<BreakdownRow> rows,
      String servedBy) {}

  /** {@code /api/teams/{team}/usage}. */
  public record TeamUsageResponse(
      String team,
      String period,
      String from,
      String to,
      List<TotalsView> rows,
      TotalsView total,
      List<TotalsView> models,
      BudgetView budget,
      String servedBy) {}

  /** One provider's model side by side with the others. */
  public record ProviderView(
      String provider,
      String model,
      long requests,
      long providerCalls,
      long errors,
      double errorRate,
      Map<String, Long> errorsByClass,
      long latencyP50Millis,
      long latencyP95Millis,
      long latencyP99Millis,
      long costMicros,
      long costPer1kRequestsMicros,
      long inputTokens,
      long outputTokens,
      long cacheHits) {

    public static ProviderView of(UsageTotals t) {
      long calls = t.getRequests() - t.getCacheHits() + t.getErrors();
      return new ProviderView(
          t.getProvider(),
          t.getModel(),
          t.getRequests(),
          calls,
          t.getErrors(),
          calls == 0 ? 0.0 : (double) t.getErrors() / calls,
          t.getErrorsByClass(),
          t.getLatencyP50Millis(),
          t.getLatencyP95Millis(),
          t.getLatencyP99Millis(),
          t.getCostMicros(),
          t.getRequests() == 0 ? 0 : t.getCostMicros() * 1000 / t.getRequests(),
          t.getInputTokens(),
          t.getOutputTokens(),
          t.getCacheHits());
    }
  }

  /** {@code /api/providers}. */
  public record ProvidersResponse(
      String period, String at, List<ProviderView> providers, List<String> unreachable) {}

  /**
   * One team on the spend chart: its spend on each day of the month so far, the month's total,
   * where the month ends at its run-rate (null early in the month) and its monthly budget (null
   * without one).
   */
  public record TeamSpend(
      String team,
      List<Long> dailyCostMicros,
      long spentMicros,
      Long projectedMicros,
      Long budgetMicros) {}

  /**
   * {@code /api/charts/spend}: the days of this month up to today ({@code days}, labels), the top
   * {@code teams} by spend of {@code teamsTotal}, as of {@code asOf}.
   */
  public record SpendChartResponse(
      String month,
      int daysInMonth,
      String asOf,
      List<String> days,
      int teamsTotal,
      List<TeamSpend> teams,
      List<String> unreachable) {}

  /**
   * One provider's model on the hourly charts: provider calls, failed calls, p95 latency and error
   * rate in each hour; latency and error rate are null in an hour without a call.
   */
  public record ProviderSeries(
      String provider,
      String model,
      List<Long> providerCalls,
      List<Long> errors,
      List<Long> latencyP95Millis,
      List<Double> errorRate) {}

  /**
   * {@code /api/charts/providers}: the last hours ({@code hours}, labels, oldest first), the top
   * {@code models} by provider calls of {@code modelsTotal}.
   */
  public record ProviderChartResponse(
      List<String> hours, int modelsTotal, List<ProviderSeries> models, List<String> unreachable) {}

  /** One alert. */
  public record AlertView(
      String id,
      String team,
      String kind,
      String period,
      Integer thresholdPercent,
      long spentMicros,
      long limitMicros,
      Long projectedMicros,
      String message,
      String raisedAt) {

    public static AlertView of(Alert a) {
      return new AlertView(
          a.getId(),
          a.getTeam(),
          a.getKind().name(),
          a.getPeriod(),
          a.getThresholdPercent(),
          a.getSpentMicros(),
          a.getLimitMicros(),
          a.getProjectedMicros(),
          a.getMessage(),
          a.getRaisedAt().toString());
    }
  }

  /**
   * {@code /api/access}: whose usage the caller's token reads; {@code team} null for every team.
   */
  public record AccessView(String team) {}

  /** {@code /api/alerts}. */
  public record AlertsResponse(List<AlertView> alerts, List<String> unreachable) {}

  /**
   * The guard verdict counts of one period, every team's a caller may read.
   *
   * @param rows one per team, detector and action, most requests first
   * @param unreachable instances that did not answer, so rows may be short of their share
   */
  public record GuardResponse(
      String period,
      String at,
      List<io.promptyard.usage.guard.GuardCount> rows,
      List<String> unreachable) {}
}

package io.promptyard.dev;

import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.UsageTotals;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * One team's usage: successful requests, cache hits, tokens and cost in micro-dollars. Built either
 * from results (what the consumer saw) or from the aggregator's totals (what finance sees); the two
 * must agree.
 */
public record TeamTotals(
    String team,
    long requests,
    long cacheHits,
    long inputTokens,
    long outputTokens,
    long costMicros) {

  TeamTotals plus(long requests, long cacheHits, long input, long output, long cost) {
    return new TeamTotals(
        team,
        this.requests + requests,
        this.cacheHits + cacheHits,
        inputTokens + input,
        outputTokens + output,
        costMicros + cost);
  }

  /** Per-team sums over successful results. */
  public static Map<String, TeamTotals> fromResults(Collection<CompletionResult> results) {
    Map<String, TeamTotals> byTeam = new TreeMap<>();
    for (CompletionResult r : results) {
      if (r.getStatus() != ResultStatus.SUCCEEDED) {
        continue;
      }
      byTeam.merge(
          r.getTeam(),
          new TeamTotals(
              r.getTeam(),
              1,
              r.getCached() ? 1 : 0,
              r.getUsage().getInputTokens(),
              r.getUsage().getOutputTokens(),
              r.getCostMicros()),
          TeamTotals::sum);
    }
    return byTeam;
  }

  /** Per team, the successful results the semantic cache answered ({@code cacheMatch=semantic}). */
  public static Map<String, Long> semanticHits(Collection<CompletionResult> results) {
    Map<String, Long> byTeam = new TreeMap<>();
    for (CompletionResult r : results) {
      if (r.getStatus() == ResultStatus.SUCCEEDED && "semantic".equals(r.getCacheMatch())) {
        byTeam.merge(r.getTeam(), 1L, Long::sum);
      }
    }
    return byTeam;
  }

  /** Per team, the money cache hits saved, over the aggregator's team totals. */
  public static Map<String, Long> savedMicros(Collection<UsageTotals> totals) {
    Map<String, Long> byTeam = new TreeMap<>();
    for (UsageTotals t : totals) {
      byTeam.merge(t.getKey(), t.getSavedCostMicros(), Long::sum);
    }
    return byTeam;
  }

  /** Per-team sums over the aggregator's team totals (all periods it holds). */
  public static Map<String, TeamTotals> fromAggregates(Collection<UsageTotals> totals) {
    Map<String, TeamTotals> byTeam = new TreeMap<>();
    for (UsageTotals t : totals) {
      byTeam.merge(
          t.getKey(),
          new TeamTotals(
              t.getKey(),
              t.getRequests(),
              t.getCacheHits(),
              t.getInputTokens(),
              t.getOutputTokens(),
              t.getCostMicros()),
          TeamTotals::sum);
    }
    return byTeam;
  }

  /** {@code a} and {@code b} added up team by team. */
  static Map<String, TeamTotals> sum(Map<String, TeamTotals> a, Map<String, TeamTotals> b) {
    Map<String, TeamTotals> byTeam = new TreeMap<>(a);
    b.forEach((team, totals) -> byTeam.merge(team, totals, TeamTotals::sum));
    return byTeam;
  }

  static TeamTotals sum(TeamTotals a, TeamTotals b) {
    return a.plus(b.requests, b.cacheHits, b.inputTokens, b.outputTokens, b.costMicros);
  }
}

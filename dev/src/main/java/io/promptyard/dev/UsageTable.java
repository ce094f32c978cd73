package io.promptyard.dev;

import java.io.PrintWriter;
import java.util.Map;

/**
 * Prints per-team totals as a table a person can read: dollars with six decimals, exact from
 * micro-dollars. {@code cached} counts every cache hit, {@code semantic} those of the semantic
 * cache among them, and {@code saved (USD)} what the hits would have cost.
 */
public final class UsageTable {

  private UsageTable() {}

  /**
   * @param semanticHits per team, the hits of the semantic cache (a team missing had none)
   * @param savedMicros per team, the money the cache hits saved (a team missing saved nothing)
   */
  public static void print(
      PrintWriter out,
      Map<String, TeamTotals> totals,
      Map<String, Long> semanticHits,
      Map<String, Long> savedMicros) {
    String format = "%-14s %9s %7s %9s %13s %14s %14s %12s%n";
    out.printf(
        format,
        "team",
        "requests",
        "cached",
        "semantic",
        "input tokens",
        "output tokens",
        "cost (USD)",
        "saved (USD)");
    TeamTotals all = new TeamTotals("total", 0, 0, 0, 0, 0);
    long semantic = 0;
    long saved = 0;
    for (TeamTotals t : totals.values()) {
      long teamSemantic = semanticHits.getOrDefault(t.team(), 0L);
      long teamSaved = savedMicros.getOrDefault(t.team(), 0L);
      out.printf(
          format,
          t.team(),
          t.requests(),
          t.cacheHits(),
          teamSemantic,
          t.inputTokens(),
          t.outputTokens(),
          dollars(t.costMicros()),
          dollars(teamSaved));
      all =
          all.plus(t.requests(), t.cacheHits(), t.inputTokens(), t.outputTokens(), t.costMicros());
      semantic += teamSemantic;
      saved += teamSaved;
    }
    out.printf(
        format,
        "TOTAL",
        all.requests(),
        all.cacheHits(),
        semantic,
        all.inputTokens(),
        all.outputTokens(),
        dollars(all.costMicros()),
        dollars(saved));
    out.flush();
  }

  /** Formats micro-dollars as dollars, exactly. */
  public static String dollars(long micros) {
    return io.promptyard.schemas.money.MicroDollars.format(micros);
  }
}

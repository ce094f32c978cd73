package io.promptyard.dev;

import java.io.PrintWriter;
import java.util.Map;

/**
 * Prints per-team totals as a table a person can read: dollars with six decimals, exact from
 * micro-dollars.
 */
public final class UsageTable {

  private UsageTable() {}

  public static void print(PrintWriter out, Map<String, TeamTotals> totals) {
    String format = "%-14s %9s %7s %13s %14s %14s%n";
    out.printf(format, "team", "requests", "cached", "input tokens", "output tokens", "cost (USD)");
    TeamTotals all = new TeamTotals("total", 0, 0, 0, 0, 0);
    for (TeamTotals t : totals.values()) {
      out.printf(
          format,
          t.team(),
          t.requests(),
          t.cacheHits(),
          t.inputTokens(),
          t.outputTokens(),
          dollars(t.costMicros()));
      all =
          all.plus(t.requests(), t.cacheHits(), t.inputTokens(), t.outputTokens(), t.costMicros());
    }
    out.printf(
        format,
        "TOTAL",
        all.requests(),
        all.cacheHits(),
        all.inputTokens(),
        all.outputTokens(),
        dollars(all.costMicros()));
    out.flush();
  }

  /** Formats micro-dollars as dollars, exactly. */
  public static String dollars(long micros) {
    return io.promptyard.schemas.money.MicroDollars.format(micros);
  }
}

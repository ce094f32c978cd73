package io.promptyard.cli.usage;

import io.promptyard.cli.ConnectedCommand;
import io.promptyard.cli.OutputOption;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.UsageTotals;
import io.promptyard.schemas.money.MicroDollars;
import io.promptyard.schemas.usage.Period;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code promptyard usage}: per-team (or one team's per-model) usage and cost for a UTC hour, day
 * or month, as a table.
 */
@Command(
    name = "usage",
    mixinStandardHelpOptions = true,
    description = {
      "Print usage and cost per team (or, with --team, per model of that team) for one UTC period,",
      "from the totals the usage aggregator publishes. Money is exact: integer micro-dollars shown as dollars."
    },
    footer = {
      "",
      "Examples:",
      "  promptyard usage",
      "  promptyard usage --period day",
      "  promptyard usage --team search --period month --at 2026-11"
    })
public final class UsageCommand extends ConnectedCommand {

  @Option(names = "--team", description = "show this team's models instead of all teams")
  String team;

  @Option(
      names = "--period",
      defaultValue = "month",
      description = "hour, day or month (default ${DEFAULT-VALUE})")
  String period;

  @Option(
      names = "--at",
      paramLabel = "LABEL",
      description =
          "which period, e.g. 2026-11 (month), 2026-11-23 (day), 2026-11-23T10 (hour); default: the current one (UTC)")
  String at;

  @Mixin OutputOption output;

  @Override
  protected void execute(PrintWriter out) {
    Period p = Period.of(period);
    String label = at == null ? p.format(connection.clock().instant()) : p.format(p.parse(at));
    List<UsageTotals> rows =
        CompactedTopic.latest(
                connection.kafkaProperties(), connection.topics().usageTotals(), UsageTotals.class)
            .values()
            .stream()
            .filter(
                t -> t.getPeriod().equals(p.label()) && p.format(t.getPeriodStart()).equals(label))
            .filter(
                t ->
                    team == null
                        ? t.getDimension().equals("team")
                        : t.getDimension().equals("team-model") && team.equals(t.getTeam()))
            .sorted(Comparator.comparingLong(UsageTotals::getCostMicros).reversed())
            .toList();
    Map<String, Budget> budgets =
        CompactedTopic.latest(
            connection.kafkaProperties(), connection.topics().budgetStatus(), Budget.class);
    if (output.json()) {
      rows.forEach(
          t -> output.row(out, row(t, label, team == null ? budgets.get(t.getTeam()) : null)));
      return;
    }
    out.printf(
        "%s usage for %s %s (UTC)%n",
        team == null ? "Per-team" : "Team " + team + ", per-model", period, label);
    String format = "%-28s %9s %7s %7s %13s %14s %16s %15s %16s %5s%n";
    out.printf(
        format,
        team == null ? "team" : "model",
        "requests",
        "errors",
        "cached",
        "input tokens",
        "output tokens",
        "cost (USD)",
        "saved by cache",
        "monthly budget",
        "used");
    long[] sum = new long[7];
    for (UsageTotals t : rows) {
      Budget b = team == null ? budgets.get(t.getTeam()) : null;
      boolean monthBudget = b != null && period.equals("month");
      out.printf(
          format,
          team == null ? t.getTeam() : t.getProvider() + "/" + t.getModel(),
          t.getRequests(),
          t.getErrors(),
          t.getCacheHits(),
          t.getInputTokens(),
          t.getOutputTokens(),
          MicroDollars.format(t.getCostMicros()),
          MicroDollars.format(t.getSavedCostMicros()),
          b == null ? "-" : MicroDollars.format(b.getMonthlyLimitMicros()),
          monthBudget
              ? MicroDollars.percentOf(t.getCostMicros(), b.getMonthlyLimitMicros()) + "%"
              : "");
      long[] add = {
        t.getRequests(),
        t.getErrors(),
        t.getCacheHits(),
        t.getInputTokens(),
        t.getOutputTokens(),
        t.getCostMicros(),
        t.getSavedCostMicros()
      };
      for (int i = 0; i < sum.length; i++) {
        sum[i] += add[i];
      }
    }
    out.printf(
        format,
        "TOTAL",
        sum[0],
        sum[1],
        sum[2],
        sum[3],
        sum[4],
        MicroDollars.format(sum[5]),
        MicroDollars.format(sum[6]),
        "",
        "");
    if (rows.isEmpty()) {
      out.println("(no usage recorded for this period" + (team == null ? "" : " and team") + ")");
    }
  }

  /**
   * A row as {@code --output json} prints it: the period, the team (and model), the totals in
   * micro-dollars and tokens, and the team's monthly budget when it has one.
   */
  private Map<String, Object> row(UsageTotals t, String label, Budget budget) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("period", period);
    row.put("at", label);
    row.put("team", t.getTeam());
    if (team != null) {
      row.put("provider", t.getProvider());
      row.put("model", t.getModel());
    }
    row.put("requests", t.getRequests());
    row.put("errors", t.getErrors());
    row.put("cached", t.getCacheHits());
    row.put("input_tokens", t.getInputTokens());
    row.put("output_tokens", t.getOutputTokens());
    row.put("cost_micros", t.getCostMicros());
    row.put("saved_by_cache_micros", t.getSavedCostMicros());
    row.put("monthly_budget_micros", budget == null ? null : budget.getMonthlyLimitMicros());
    return row;
  }
}

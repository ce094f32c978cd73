package io.promptyard.cli.usage;

import io.promptyard.cli.ConnectedCommand;
import io.promptyard.cli.OutputOption;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.UsageTotals;
import io.promptyard.schemas.money.MicroDollars;
import io.promptyard.schemas.usage.Period;
import io.promptyard.usage.totals.Breakdown;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code promptyard usage}: per-team (or one team's per-model, per-user, per-template or per-tag)
 * usage and cost for a UTC hour, day or month, as a table.
 */
@Command(
    name = "usage",
    mixinStandardHelpOptions = true,
    description = {
      "Print usage and cost per team (or, with --team, per model of that team; with --by, per user,",
      "template or tag of that team) for one UTC period, from the totals the usage aggregator publishes.",
      "Money is exact: integer micro-dollars shown as dollars.",
      "",
      "JSON: {\"period\", \"at\", \"team\", \"by\", \"rows\": [{team, provider, model, requests, errors, cached,",
      "input_tokens, output_tokens, cost_micros, saved_by_cache_micros, monthly_budget_micros}], \"total\": {the",
      "summed fields}}; provider and model only with --team, monthly_budget_micros only without it (null: none);",
      "with --by, provider and model give way to user, template or tag, and for tags \"total\" is null: a request",
      "counts under each of its tags. Past the aggregator's bound per team and month, values are one row, (other)."
    },
    footer = {
      "",
      "Examples:",
      "  promptyard usage",
      "  promptyard usage --period day",
      "  promptyard usage --team search --period month --at 2026-11",
      "  promptyard usage --team search --by user --period day",
      "  promptyard usage --output json | jq -r '.rows[] | select(.cost_micros > 100000000) | .team'"
    })
public final class UsageCommand extends ConnectedCommand {

  /** The summed columns, in the table's order. */
  private static final List<Column> COLUMNS =
      List.of(
          new Column("requests", 9, "requests", UsageTotals::getRequests, false),
          new Column("errors", 7, "errors", UsageTotals::getErrors, false),
          new Column("cached", 7, "cached", UsageTotals::getCacheHits, false),
          new Column("input tokens", 13, "input_tokens", UsageTotals::getInputTokens, false),
          new Column("output tokens", 14, "output_tokens", UsageTotals::getOutputTokens, false),
          new Column("cost (USD)", 16, "cost_micros", UsageTotals::getCostMicros, true),
          new Column(
              "saved by cache",
              15,
              "saved_by_cache_micros",
              UsageTotals::getSavedCostMicros,
              true));

  @Option(names = "--team", description = "show this team's models instead of all teams")
  String team;

  @Option(
      names = "--by",
      paramLabel = "user|template|tag",
      description = "with --team: show the team's usage by user, template (name@version) or tag")
  String by;

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
    Breakdown breakdown = by == null ? null : Breakdown.of(by);
    if (breakdown != null && team == null) {
      throw new IllegalArgumentException("--by needs --team: usage is broken down within a team");
    }
    if (breakdown != null && p == Period.HOUR) {
      throw new IllegalArgumentException(
          "usage by " + breakdown.label() + " is kept by day and by month, not by hour");
    }
    String dimension =
        breakdown != null ? breakdown.dimension() : team == null ? "team" : "team-model";
    String label = at == null ? p.format(connection.clock().instant()) : p.format(p.parse(at));
    List<UsageTotals> rows =
        CompactedTopic.latest(
                connection.clients(),
                connection.kafkaProperties(),
                connection.topics().usageTotals(),
                UsageTotals.class)
            .values()
            .stream()
            .filter(
                t -> t.getPeriod().equals(p.label()) && p.format(t.getPeriodStart()).equals(label))
            .filter(
                t ->
                    t.getDimension().equals(dimension)
                        && (team == null || team.equals(t.getTeam())))
            .sorted(Comparator.comparingLong(UsageTotals::getCostMicros).reversed())
            .toList();
    Map<String, Budget> budgets =
        CompactedTopic.latest(
            connection.clients(),
            connection.kafkaProperties(),
            connection.topics().budgetStatus(),
            Budget.class);
    if (output.json()) {
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("period", p.label());
      document.put("at", label);
      document.put("team", team);
      document.put("by", breakdown == null ? null : breakdown.label());
      document.put(
          "rows", rows.stream().map(t -> row(t, breakdown, budgets.get(t.getTeam()))).toList());
      Map<String, Object> total = new LinkedHashMap<>();
      COLUMNS.forEach(c -> total.put(c.key(), rows.stream().mapToLong(c.value()).sum()));
      document.put("total", breakdown == Breakdown.TAG ? null : total);
      output.document(out, document);
      return;
    }
    out.printf(
        "%s usage for %s %s (UTC)%n",
        team == null
            ? "Per-team"
            : "Team " + team + ", per-" + (breakdown == null ? "model" : breakdown.label()),
        period,
        label);
    String format =
        "%-28s "
            + COLUMNS.stream().map(c -> "%" + c.width() + "s ").collect(Collectors.joining())
            + "%16s %5s%n";
    out.printf(
        format,
        line(
            team == null ? "team" : breakdown == null ? "model" : breakdown.label(),
            COLUMNS.stream().map(Column::header).toList(),
            "monthly budget",
            "used"));
    for (UsageTotals t : rows) {
      Budget b = team == null ? budgets.get(t.getTeam()) : null;
      boolean monthBudget = b != null && period.equals("month");
      out.printf(
          format,
          line(
              team == null
                  ? t.getTeam()
                  : breakdown == null ? t.getProvider() + "/" + t.getModel() : value(t),
              COLUMNS.stream().map(c -> c.cell(c.value().applyAsLong(t))).toList(),
              b == null ? "-" : MicroDollars.format(b.getMonthlyLimitMicros()),
              monthBudget
                  ? MicroDollars.percentOf(t.getCostMicros(), b.getMonthlyLimitMicros()) + "%"
                  : ""));
    }
    if (breakdown == Breakdown.TAG) {
      out.println("(a request counts under each of its tags: the rows overlap and have no total)");
    } else {
      out.printf(
          format,
          line(
              "TOTAL",
              COLUMNS.stream().map(c -> c.cell(rows.stream().mapToLong(c.value()).sum())).toList(),
              "",
              ""));
    }
    if (rows.isEmpty()) {
      out.println("(no usage recorded for this period" + (team == null ? "" : " and team") + ")");
    }
  }

  /**
   * A row as {@code --output json} prints it: the team (and, with --team, the provider and model),
   * the totals in tokens and micro-dollars, and, per team, the team's monthly budget (null when it
   * has none).
   */
  private Map<String, Object> row(UsageTotals t, Breakdown breakdown, Budget budget) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("team", t.getTeam());
    if (breakdown != null) {
      row.put(breakdown.label(), value(t));
    } else if (team != null) {
      row.put("provider", t.getProvider());
      row.put("model", t.getModel());
    }
    COLUMNS.forEach(c -> row.put(c.key(), c.value().applyAsLong(t)));
    if (team == null) {
      row.put("monthly_budget_micros", budget == null ? null : budget.getMonthlyLimitMicros());
    }
    return row;
  }

  /** The user, template or tag of a breakdown row: its key is the team, a bar, then the value. */
  private static String value(UsageTotals t) {
    return t.getKey().substring(t.getTeam().length() + 1);
  }

  /** A table line: the team or model, the summed columns, the monthly budget and its use. */
  private static Object[] line(String name, List<String> columns, String budget, String used) {
    List<String> cells = new ArrayList<>();
    cells.add(name);
    cells.addAll(columns);
    cells.add(budget);
    cells.add(used);
    return cells.toArray();
  }

  /**
   * A column summed in the TOTAL line: its header and width in the table, its key in {@code
   * --output json} and its value in a row; money is shown as dollars in the table, micro-dollars in
   * JSON.
   */
  private record Column(
      String header, int width, String key, ToLongFunction<UsageTotals> value, boolean money) {
    String cell(long v) {
      return money ? MicroDollars.format(v) : Long.toString(v);
    }
  }
}

package io.promptyard.cli.usage;

import io.promptyard.cli.CommandGroup;
import io.promptyard.cli.OperatorAction;
import io.promptyard.cli.TeamRecords;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.money.MicroDollars;
import io.promptyard.schemas.serde.AvroSerde;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code promptyard budget}: sets a team's monthly budget and alert thresholds, or shows budgets
 * with their spend.
 */
@Command(
    name = "budget",
    mixinStandardHelpOptions = true,
    description =
        "Set a team's monthly budget and alert thresholds, or show every budget with this month's spend.",
    subcommands = {BudgetCommand.Set.class, BudgetCommand.Show.class},
    footer = {
      "",
      "Examples:",
      "  promptyard budget set search --monthly 250.00 --alert 50,80,100",
      "  promptyard budget show"
    })
public final class BudgetCommand extends CommandGroup {

  /** {@code promptyard budget set TEAM --monthly DOLLARS --alert P,P,P}. */
  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description =
          "Publish a team's budget to the budgets topic; the usage aggregator applies it at once.",
      footer = {
        "",
        "Examples:",
        "  promptyard budget set search --monthly 250.00 --alert 50,80,100",
        "  promptyard budget set finance --monthly 1000 --soft 800",
        "  promptyard budget set search --monthly 250.00 --monthly-tokens 50000000"
      })
  public static final class Set extends OperatorAction {

    @Mixin TeamParameter target;

    @Option(
        names = "--monthly",
        required = true,
        paramLabel = "DOLLARS",
        description = "monthly limit in US dollars, e.g. 250.00")
    String monthly;

    @Option(
        names = "--alert",
        split = ",",
        paramLabel = "PERCENT",
        defaultValue = "50,80,100",
        description = "alert thresholds in percent of the limit (default ${DEFAULT-VALUE})")
    List<Integer> thresholds;

    @Option(
        names = "--soft",
        paramLabel = "DOLLARS",
        description = "optional soft limit in US dollars")
    String soft;

    @Option(
        names = "--monthly-tokens",
        paramLabel = "TOKENS",
        description =
            "optional monthly limit on tokens (input + output), reserved and settled as money is")
    Long monthlyTokens;

    @Override
    protected String act(PrintWriter out) throws Exception {
      String team = target.team();
      if (monthlyTokens != null && monthlyTokens <= 0) {
        throw new IllegalArgumentException(
            "--monthly-tokens " + monthlyTokens + " must be positive");
      }
      for (int t : thresholds) {
        if (t <= 0 || t > 1000) {
          throw new IllegalArgumentException(
              "alert threshold " + t + "% must be between 1 and 1000");
        }
      }
      Budget budget =
          Budget.newBuilder()
              .setTeam(team)
              .setMonthlyLimitMicros(MicroDollars.parse(monthly))
              .setSoftLimitMicros(soft == null ? null : MicroDollars.parse(soft))
              .setMonthlyTokenLimit(monthlyTokens)
              .setAlertThresholdsPercent(thresholds.stream().sorted().distinct().toList())
              .setUpdatedAt(connection.clock().instant())
              .build();
      String topic = connection.topics().budgets();
      aboutToAct();
      TeamRecords.send(connection, topic, team, AvroSerde.of(Budget.class).encode(topic, budget));
      String outcome =
          String.format(
              "budget of %s set: %s a month%s, alerts at %s%%",
              team,
              MicroDollars.format(budget.getMonthlyLimitMicros()),
              monthlyTokens == null ? "" : " and " + monthlyTokens + " tokens",
              budget.getAlertThresholdsPercent().stream()
                  .map(String::valueOf)
                  .reduce((a, b) -> a + ", " + b)
                  .orElse("none"));
      out.println(outcome);
      return outcome;
    }
  }

  /** {@code promptyard budget show [TEAM]}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Print each team's budget and its spend in the month of its latest update, as the aggregator published them.",
        "",
        "JSON: {\"budgets\": [{team, monthly_budget_micros, soft_limit_micros (null: none), spent_micros,",
        "monthly_token_limit (null: none), tokens, alert_thresholds_percent, as_of}]}."
      },
      footer = {
        "",
        "Examples:",
        "  promptyard budget show",
        "  promptyard budget show search",
        "  promptyard budget show --output json | jq '.budgets[] | select(.spent_micros > .monthly_budget_micros)'"
      })
  public static final class Show extends TeamListingCommand<Budget> {

    public Show() {
      super(
          Budget.class,
          Budget::getTeam,
          "budgets",
          "%-16s %16s %16s %6s  %-12s %s%n",
          "team",
          "monthly budget",
          "spent",
          "used",
          "alerts at",
          "as of (UTC)");
    }

    @Override
    protected String topic() {
      return connection.topics().budgetStatus();
    }

    @Override
    protected Object[] cells(Budget b) {
      return new Object[] {
        b.getTeam(),
        MicroDollars.format(b.getMonthlyLimitMicros()),
        MicroDollars.format(b.getSpentThisMonthMicros()),
        MicroDollars.percentOf(b.getSpentThisMonthMicros(), b.getMonthlyLimitMicros()) + "%",
        b.getAlertThresholdsPercent().toString(),
        b.getUpdatedAt()
      };
    }

    /** A team's budget as {@code --output json} prints it. */
    @Override
    protected Map<String, Object> row(Budget b) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("team", b.getTeam());
      row.put("monthly_budget_micros", b.getMonthlyLimitMicros());
      row.put("soft_limit_micros", b.getSoftLimitMicros());
      row.put("spent_micros", b.getSpentThisMonthMicros());
      row.put("monthly_token_limit", b.getMonthlyTokenLimit());
      row.put("tokens", b.getTokensThisMonth());
      row.put("alert_thresholds_percent", b.getAlertThresholdsPercent());
      row.put("as_of", String.valueOf(b.getUpdatedAt()));
      return row;
    }
  }
}

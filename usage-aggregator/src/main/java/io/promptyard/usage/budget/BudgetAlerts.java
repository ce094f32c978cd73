package io.promptyard.usage.budget;

import io.promptyard.schemas.Alert;
import io.promptyard.schemas.AlertKind;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.money.MicroDollars;
import io.promptyard.schemas.usage.Period;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * Decides which budget alerts a team's spend in a calendar month calls for: one per threshold
 * crossed and one forecast when the month's run-rate projects spend over the limit. The caller
 * remembers which alert ids were raised, so that each fires once per month.
 *
 * @param forecastAfter how much of the month must have passed before a run-rate is trusted
 */
public record BudgetAlerts(Duration forecastAfter) {

  /**
   * The alerts due now and not yet raised.
   *
   * @param spentMicros the team's spend in the month containing {@code at}
   * @param raised whether an alert id was raised already
   */
  public List<Alert> due(Budget budget, long spentMicros, Instant at, Predicate<String> raised) {
    List<Alert> alerts = new ArrayList<>();
    long limit = budget.getMonthlyLimitMicros();
    if (spentMicros <= 0) {
      return alerts;
    }
    String month = Period.MONTH.format(at);
    String team = budget.getTeam();
    for (int threshold : budget.getAlertThresholdsPercent().stream().sorted().distinct().toList()) {
      String id = team + "|" + month + "|threshold-" + threshold;
      boolean crossed =
          BigInteger.valueOf(spentMicros)
                  .multiply(BigInteger.valueOf(100))
                  .compareTo(BigInteger.valueOf(limit).multiply(BigInteger.valueOf(threshold)))
              >= 0;
      if (crossed && !raised.test(id)) {
        alerts.add(
            new Alert(
                id,
                team,
                AlertKind.THRESHOLD,
                month,
                threshold,
                spentMicros,
                limit,
                null,
                "team "
                    + team
                    + " has spent "
                    + MicroDollars.format(spentMicros)
                    + " of its "
                    + MicroDollars.format(limit)
                    + " monthly budget for "
                    + month
                    + " ("
                    + MicroDollars.percentOf(spentMicros, limit)
                    + "%), crossing its "
                    + threshold
                    + "% alert threshold",
                null,
                null,
                at));
      }
    }
    String forecastId = team + "|" + month + "|forecast";
    OptionalLong monthEnd = projectedMonthEnd(spentMicros, at);
    if (spentMicros < limit && monthEnd.isPresent() && !raised.test(forecastId)) {
      long projected = monthEnd.getAsLong();
      if (projected > limit) {
        alerts.add(
            new Alert(
                forecastId,
                team,
                AlertKind.FORECAST,
                month,
                null,
                spentMicros,
                limit,
                projected,
                "team "
                    + team
                    + " is projected to spend "
                    + MicroDollars.format(projected)
                    + " by the end of "
                    + month
                    + " at its current run-rate, over its "
                    + MicroDollars.format(limit)
                    + " monthly budget ("
                    + MicroDollars.format(spentMicros)
                    + " spent so far)",
                null,
                null,
                at));
      }
    }
    return alerts;
  }

  /**
   * Where the spend of the month containing {@code at} ends at its run-rate so far: linear, {@code
   * spent × month length ÷ time elapsed} (spent ÷ elapsed days × days in the month). Empty until
   * {@link #forecastAfter} of the month has passed: a run-rate of a few minutes says little.
   */
  public OptionalLong projectedMonthEnd(long spentMicros, Instant at) {
    Instant monthStart = Period.MONTH.start(at);
    long elapsed = Duration.between(monthStart, at).toMillis();
    if (elapsed <= 0 || elapsed < forecastAfter.toMillis()) {
      return OptionalLong.empty();
    }
    long length = Duration.between(monthStart, Period.MONTH.next(monthStart)).toMillis();
    return OptionalLong.of(
        BigInteger.valueOf(spentMicros)
            .multiply(BigInteger.valueOf(length))
            .divide(BigInteger.valueOf(elapsed))
            .min(BigInteger.valueOf(Long.MAX_VALUE))
            .longValue());
  }
}

package io.promptyard.router.routing;

import io.promptyard.schemas.Budget;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Reads a team's budget status against the time of a request: over the hard (monthly) limit, over
 * the soft limit, or within budget. Spend reported for an earlier UTC month than the request's
 * counts as nothing spent.
 */
public final class BudgetGate {

  private BudgetGate() {}

  /** Where a team stands. */
  public sealed interface Standing {
    /** No budget, or spend below both limits. */
    record Within() implements Standing {}

    /** At or over the soft limit, below the hard limit. */
    record OverSoft(long spentMicros, long softLimitMicros) implements Standing {}

    /** At or over the monthly limit. */
    record OverHard(long spentMicros, long limitMicros, YearMonth month) implements Standing {}
  }

  private static final Standing WITHIN = new Standing.Within();

  /** The team's standing for a request made at {@code at}. */
  public static Standing standing(Optional<Budget> budget, Instant at) {
    if (budget.isEmpty()) {
      return WITHIN;
    }
    Budget b = budget.get();
    YearMonth month = YearMonth.from(at.atZone(ZoneOffset.UTC));
    YearMonth reported = YearMonth.from(b.getUpdatedAt().atZone(ZoneOffset.UTC));
    long spent = reported.isBefore(month) ? 0 : b.getSpentThisMonthMicros();
    if (spent >= b.getMonthlyLimitMicros()) {
      return new Standing.OverHard(spent, b.getMonthlyLimitMicros(), month);
    }
    if (b.getSoftLimitMicros() != null && spent >= b.getSoftLimitMicros()) {
      return new Standing.OverSoft(spent, b.getSoftLimitMicros());
    }
    return WITHIN;
  }

  /** Micro-dollars as dollars for people: {@code $12.50}, {@code $0.000125}. */
  public static String dollars(long micros) {
    BigDecimal d = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
    return "$" + (d.scale() < 2 ? d.setScale(2) : d).toPlainString();
  }
}

package io.promptyard.usage;

import static io.promptyard.usage.UsageDriver.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.Alert;
import io.promptyard.schemas.AlertKind;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.schemas.usage.Period;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BudgetAlertsTest {

  private static final Instant NOV_20 = Instant.parse("2026-11-20T12:00:00Z");
  private static final long TEN_DOLLARS = 10_000_000L;
  private final UsageDriver d =
      new UsageDriver(
          new UsageTopology.Options(
              Topics.defaults(),
              Duration.ofDays(35),
              Duration.ofDays(1),
              Duration.ofSeconds(1),
              1_000));

  @AfterEach
  void tearDown() {
    d.close();
  }

  @Test
  void aThresholdAlertFiresOnceNotOnEveryEventAfterTheCrossing() {
    d.setBudget("acme", TEN_DOLLARS, List.of(50, 80, 100), NOV_20);
    d.send(event("r1:1", "acme", NOV_20, 4_000_000));
    d.send(event("r2:1", "acme", NOV_20.plusSeconds(1), 1_000_000)); // 50% exactly
    d.send(event("r3:1", "acme", NOV_20.plusSeconds(2), 500_000));
    d.send(event("r4:1", "acme", NOV_20.plusSeconds(3), 500_000));
    d.send(event("r5:1", "acme", NOV_20.plusSeconds(4), 2_500_000)); // 85%

    List<Alert> alerts = thresholdAlerts();
    assertThat(alerts).extracting(Alert::getThresholdPercent).containsExactly(50, 80);
    assertThat(alerts.get(0).getId()).isEqualTo("acme|2026-11|threshold-50");
    assertThat(alerts.get(0).getSpentMicros()).isEqualTo(5_000_000);
    assertThat(alerts.get(0).getMessage())
        .contains("$5.000000 of its $10.000000 monthly budget for 2026-11 (50%)");
  }

  @Test
  void aThresholdAlertFiresAgainNextMonth() {
    d.setBudget("acme", TEN_DOLLARS, List.of(50), NOV_20);
    d.send(event("r1:1", "acme", NOV_20, 6_000_000));
    d.send(event("r2:1", "acme", NOV_20.plusSeconds(60), 1_000_000));
    Instant dec2 = Instant.parse("2026-12-02T08:00:00Z");
    d.send(event("r3:1", "acme", dec2, 3_000_000));
    d.send(event("r4:1", "acme", dec2.plusSeconds(60), 3_000_000));
    d.send(event("r5:1", "acme", dec2.plusSeconds(120), 1_000_000));

    assertThat(thresholdAlerts())
        .extracting(Alert::getId)
        .containsExactly("acme|2026-11|threshold-50", "acme|2026-12|threshold-50");
  }

  @Test
  void aRunRateOverTheBudgetRaisesOneProjectedToExceedAlert() {
    d.setBudget("acme", TEN_DOLLARS, List.of(100), Instant.parse("2026-11-01T00:00:00Z"));
    // $4 in the first 6 days of a 30-day month projects $20 by its end
    d.send(event("r1:1", "acme", Instant.parse("2026-11-07T00:00:00Z"), 4_000_000));
    d.send(event("r2:1", "acme", Instant.parse("2026-11-07T01:00:00Z"), 10_000));

    List<Alert> forecasts =
        d.alerts.readValuesToList().stream()
            .filter(a -> a.getKind() == AlertKind.FORECAST)
            .toList();
    assertThat(forecasts).hasSize(1);
    assertThat(forecasts.get(0).getProjectedMicros()).isEqualTo(20_000_000L);
    assertThat(forecasts.get(0).getMessage())
        .contains("projected to spend $20.000000 by the end of 2026-11");
  }

  @Test
  void noForecastBeforeEnoughOfTheMonthHasPassed() {
    d.setBudget("acme", TEN_DOLLARS, List.of(100), Instant.parse("2026-11-01T00:00:00Z"));
    d.send(event("r1:1", "acme", Instant.parse("2026-11-01T06:00:00Z"), 1_000_000));

    assertThat(d.alerts.isEmpty()).isTrue();
  }

  @Test
  void budgetStatusCarriesTheLimitsAndTheSpendOfTheMonth() {
    d.setBudget("acme", TEN_DOLLARS, List.of(50, 80, 100), NOV_20);
    Budget onSet = d.status.readValue();
    assertThat(onSet.getMonthlyLimitMicros()).isEqualTo(TEN_DOLLARS);
    assertThat(onSet.getSpentThisMonthMicros()).isZero();

    d.send(event("r1:1", "acme", NOV_20.plusSeconds(5), 1_234_567));
    d.send(event("r2:1", "acme", NOV_20.plusSeconds(6), 1));
    d.send(event("x:1", "no-budget-team", NOV_20, 5));
    d.emit();

    Map<String, Budget> statuses = d.status.readKeyValuesToMap();
    assertThat(statuses).containsOnlyKeys("acme");
    assertThat(statuses.get("acme").getSpentThisMonthMicros()).isEqualTo(1_234_568);
    assertThat(statuses.get("acme").getUpdatedAt()).isEqualTo(NOV_20.plusSeconds(6));
    assertThat(statuses.get("acme").getAlertThresholdsPercent()).containsExactly(50, 80, 100);
  }

  @Test
  void loweringTheBudgetBelowTheSpendRaisesTheAlertAtOnce() {
    d.send(event("r1:1", "acme", NOV_20, 6_000_000));
    d.setBudget("acme", TEN_DOLLARS, List.of(50), NOV_20.plusSeconds(60));

    assertThat(thresholdAlerts())
        .extracting(Alert::getId)
        .containsExactly("acme|2026-11|threshold-50");
    assertThat(d.status.readValue().getSpentThisMonthMicros()).isEqualTo(6_000_000);
  }

  /**
   * Half the budget spent at each calendar edge: the month total and the threshold alert are that
   * UTC month's, a forecast fires only where half-spent projects over the limit, and spend a minute
   * later counts toward the month it falls in.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "2027-03-01T00:00:30Z, 2027-03, false, 2027-03", // too early in the month to trust a run-rate
    "2027-07-15T12:00:00Z, 2027-07, true,  2027-07", // half spent in 14.5 of 31 days projects 107%
    "2027-04-30T23:59:30Z, 2027-04, false, 2027-05", // half spent at the month's end projects 50%
    "2028-02-29T12:00:00Z, 2028-02, false, 2028-02", // half spent in 28.5 of 29 days projects 51%
    "2026-12-31T23:59:59Z, 2026-12, false, 2027-01"
  })
  void atEveryCalendarEdgeSpendCountsTowardItsOwnUtcMonth(
      Instant at, String month, boolean forecast, String monthAMinuteLater) {
    d.setBudget("acme", TEN_DOLLARS, List.of(50), at);
    d.send(event("r1:1", "acme", at, TEN_DOLLARS / 2));
    Instant minuteLater = at.plusSeconds(60);
    d.send(event("r2:1", "acme", minuteLater, TEN_DOLLARS / 2));

    List<String> expected = new ArrayList<>(List.of("acme|" + month + "|threshold-50"));
    if (forecast) {
      expected.add("acme|" + month + "|forecast");
    }
    if (!monthAMinuteLater.equals(month)) {
      expected.add("acme|" + monthAMinuteLater + "|threshold-50");
    }
    assertThat(d.alerts.readValuesToList())
        .extracting(Alert::getId)
        .containsExactlyInAnyOrderElementsOf(expected);
    long sameMonth = monthAMinuteLater.equals(month) ? TEN_DOLLARS : TEN_DOLLARS / 2;
    assertThat(d.team("acme", Period.MONTH, at).getCostMicros()).isEqualTo(sameMonth);
    assertThat(d.team("acme", Period.MONTH, minuteLater).getCostMicros()).isEqualTo(sameMonth);
    assertThat(d.team("acme", Period.MONTH, at).getPeriodStart())
        .isEqualTo(Period.MONTH.parse(month));
  }

  private List<Alert> thresholdAlerts() {
    return d.alerts.readValuesToList().stream()
        .filter(a -> a.getKind() == AlertKind.THRESHOLD)
        .toList();
  }
}

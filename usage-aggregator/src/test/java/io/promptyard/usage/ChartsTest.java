package io.promptyard.usage;

import static io.promptyard.usage.UsageDriver.base;
import static io.promptyard.usage.UsageDriver.event;
import static io.promptyard.usage.UsageDriver.failed;
import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.usage.Period;
import io.promptyard.usage.budget.BudgetAlerts;
import io.promptyard.usage.query.Charts;
import io.promptyard.usage.query.LocalQueries;
import io.promptyard.usage.query.Views.ProviderSeries;
import io.promptyard.usage.query.Views.TeamSpend;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The dashboard's chart series, read from the totals of the aggregator's own topology. */
class ChartsTest {

  /** Half past noon on the 4th of March: 3.5 days of a 31-day month have passed. */
  private static final Instant NOW = Instant.parse("2027-03-04T12:00:00Z");

  private static final BudgetAlerts RUN_RATE = new BudgetAlerts(Duration.ofDays(1));

  private final UsageDriver d = new UsageDriver();
  private final Charts charts =
      new Charts(
          new LocalQueries(name -> d.driver.getKeyValueStore(name)),
          Clock.fixed(NOW, ZoneOffset.UTC),
          RUN_RATE);

  @AfterEach
  void tearDown() {
    d.close();
  }

  @ParameterizedTest(name = "{1} spent by {0}: {2} at month end")
  @CsvSource({
    "2027-03-11T00:00:00Z, 10000000, 31000000", // 10 of 31 days
    "2027-02-15T00:00:00Z, 14000000, 28000000", // 14 of 28 days
    "2028-02-15T00:00:00Z, 14000000, 29000000", // 14 of 29 days, a leap year
    "2027-04-16T12:00:00Z, 1000000, 1935483", // 15.5 of 30 days, rounded down to the micro-dollar
    "2027-03-31T23:59:59Z, 7000000, 7000002", // the month's last second
  })
  void theProjectionIsTheSpendSoFarOverTheDaysElapsedTimesTheDaysInTheMonth(
      Instant at, long spent, long projected) {
    assertThat(RUN_RATE.projectedMonthEnd(spent, at)).hasValue(projected);
  }

  @Test
  void thereIsNoProjectionBeforeTheFirstDayOfTheMonthHasPassed() {
    assertThat(RUN_RATE.projectedMonthEnd(5_000_000, Instant.parse("2027-03-01T23:59:59Z")))
        .isEmpty();
    assertThat(RUN_RATE.projectedMonthEnd(5_000_000, Instant.parse("2027-03-01T00:00:00Z")))
        .isEmpty();
    assertThat(RUN_RATE.projectedMonthEnd(5_000_000, Instant.parse("2027-03-02T00:00:00Z")))
        .isEqualTo(OptionalLong.of(155_000_000));
  }

  @Test
  void eachTeamsSpendIsGivenPerDayOfThisMonthWithItsProjectionAndBudget() {
    d.setBudget("acme", 10_000_000, List.of(100), NOW);
    d.setBudget("budget-only", 3_000_000, List.of(100), NOW);
    d.send(event("feb:1", "acme", Instant.parse("2027-02-28T23:59:59Z"), 5_000_000));
    d.send(event("a:1", "acme", Instant.parse("2027-03-01T08:00:00Z"), 1_000_000));
    d.send(event("b:1", "acme", Instant.parse("2027-03-03T09:00:00Z"), 1_500_000));
    d.send(event("c:1", "acme", Instant.parse("2027-03-03T23:00:00Z"), 500_000));
    d.send(event("d:1", "acme", Instant.parse("2027-03-04T11:00:00Z"), 500_000));
    d.send(event("e:1", "beta", Instant.parse("2027-03-02T10:00:00Z"), 700_000));

    Map<String, TeamSpend> spend =
        charts.teamSpend().stream().collect(Collectors.toMap(TeamSpend::team, t -> t));

    assertThat(charts.daysSoFar())
        .containsExactly("2027-03-01", "2027-03-02", "2027-03-03", "2027-03-04");
    assertThat(charts.daysInMonth()).isEqualTo(31);
    assertThat(spend.get("acme"))
        .isEqualTo(
            new TeamSpend(
                "acme",
                List.of(1_000_000L, 0L, 2_000_000L, 500_000L),
                3_500_000,
                31_000_000L, // $3.50 in 3.5 days
                10_000_000L));
    assertThat(spend.get("beta"))
        .isEqualTo(new TeamSpend("beta", List.of(0L, 700_000L, 0L, 0L), 700_000, 6_200_000L, null));
    assertThat(spend.get("budget-only"))
        .isEqualTo(new TeamSpend("budget-only", List.of(0L, 0L, 0L, 0L), 0, 0L, 3_000_000L));
  }

  @Test
  void theTeamsThatSpentMostAreShownFirstUpToTheLimit() {
    List<TeamSpend> teams =
        IntStream.range(0, 10)
            .mapToObj(i -> new TeamSpend("t" + i, List.of((long) i % 4), i % 4, null, null))
            .toList();

    assertThat(Charts.top(teams, 4))
        .extracting(TeamSpend::team)
        .containsExactly("t3", "t7", "t2", "t6");
  }

  @Test
  void eachProviderModelHasItsP95LatencyAndErrorRatePerHourOverTheLastHours() {
    Instant hour = Period.HOUR.start(NOW);
    Instant twoAgo = hour.minus(Duration.ofHours(2));
    for (int i = 1; i <= 19; i++) {
      d.send(base("ok" + i + ":1", "acme", twoAgo.plusSeconds(i)).setLatencyMillis(i * 10).build());
    }
    d.send(failed("f1:1", "beta", twoAgo.plusSeconds(30), ErrorCode.TIMEOUT)); // 120 ms
    d.send(base("cached:1", "acme", twoAgo).setCached(true).setLatencyMillis(1).build());
    d.send(base("now:1", "acme", hour.plusSeconds(5)).setLatencyMillis(700).build());
    d.send(base("old:1", "acme", hour.minus(Duration.ofHours(3))).setLatencyMillis(9_000).build());
    d.send(
        base("other:1", "acme", hour.minus(Duration.ofHours(1)))
            .setProvider("other")
            .setModel("x")
            .build());
    d.send(
        base("hit:1", "acme", hour)
            .setProvider("other")
            .setModel("cached-only")
            .setCached(true)
            .build());

    List<String> hours = charts.lastHours(3);
    List<ProviderSeries> series = Charts.providerSeries(charts.providerPartials(hours), hours, 8);

    assertThat(hours).containsExactly("2027-03-04T10", "2027-03-04T11", "2027-03-04T12");
    assertThat(series)
        .as("a model whose every request was a cache hit has no calls to chart")
        .extracting(ProviderSeries::model)
        .containsExactly("sim-mini", "x");
    assertThat(Charts.models(charts.providerPartials(hours), hours)).isEqualTo(2);
    ProviderSeries sim = series.getFirst();
    assertThat(sim.providerCalls()).containsExactly(20L, 0L, 1L);
    assertThat(sim.errors()).containsExactly(1L, 0L, 0L);
    assertThat(sim.errorRate()).containsExactly(0.05, null, 0.0);
    assertThat(sim.latencyP95Millis().get(0)).isBetween(180L, 181L); // the 19th of 20 calls
    assertThat(sim.latencyP95Millis().get(1)).isNull();
    assertThat(sim.latencyP95Millis().get(2)).isBetween(700L, 703L); // 2 significant digits
    assertThat(Charts.providerSeries(charts.providerPartials(hours), hours, 1))
        .extracting(ProviderSeries::model)
        .containsExactly("sim-mini");
  }
}

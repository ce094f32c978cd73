package io.promptyard.router;

import static io.promptyard.router.RouterDriver.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.RoutingStrategy;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Team budgets from the budget-status topic, through the router topology. */
class BudgetTopologyTest {

  private static final long DOLLAR = 1_000_000;
  private final RouterDriver router = new RouterDriver(TestCatalog.catalog());

  @AfterEach
  void close() {
    router.close();
  }

  @Test
  void teamOverItsMonthlyLimitIsRejectedWithSpentAndLimitInDollars() {
    router.budget("search", 50 * DOLLAR, null, 51_250_000, NOW.minusSeconds(60));

    router.ask("over", "search", "cheap", "");

    CompletionResult r = router.results.readValue();
    assertThat(r.getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(r.getError().getCode()).isEqualTo(ErrorCode.OVER_BUDGET);
    assertThat(r.getError().getMessage())
        .isEqualTo(
            "team search has spent $51.25 of its monthly limit of $50.00 in 2026-11 (UTC);"
                + " requests are refused until the limit is raised or the month ends");
    assertThat(router.route("gamma").isEmpty()).isTrue();
  }

  /**
   * A team over its limit at each calendar edge is refused for that UTC month and routed again in
   * the next.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "2027-03-01T00:00:30Z, 2027-03, 2027-04-01T00:00:00Z",
    "2027-07-15T12:00:00Z, 2027-07, 2027-08-01T00:00:00Z",
    "2027-04-30T23:59:30Z, 2027-04, 2027-05-01T00:00:00Z",
    "2028-02-29T12:00:00Z, 2028-02, 2028-03-01T00:00:00Z",
    "2026-12-31T23:59:59Z, 2026-12, 2027-01-01T00:00:00Z"
  })
  void atEveryCalendarEdgeAnExhaustedBudgetRefusesUntilTheUtcMonthEnds(
      Instant at, String month, Instant nextMonth) {
    router.budget("search", 50 * DOLLAR, null, 51 * DOLLAR, at);

    router.askAt(at, "same-month", "search", "cheap");
    router.askAt(nextMonth.minusMillis(1), "last-moment", "search", "cheap");
    router.askAt(nextMonth, "next-month", "search", "cheap");

    List<CompletionResult> refused = router.results.readValuesToList();
    assertThat(refused)
        .extracting(r -> r.getId() + " " + r.getError().getCode())
        .containsExactly("same-month OVER_BUDGET", "last-moment OVER_BUDGET");
    assertThat(refused)
        .allSatisfy(r -> assertThat(r.getError().getMessage()).contains(" in " + month + " (UTC)"));
    assertThat(router.route("gamma").readValuesToList())
        .extracting(r -> r.getRequest().getId())
        .containsExactly("next-month");
  }

  @Test
  void spendReportedInAnEarlierUtcMonthCountsAsNothingSpent() {
    router.budget(
        "search", 50 * DOLLAR, 10 * DOLLAR, 80 * DOLLAR, Instant.parse("2026-10-31T23:59:00Z"));

    router.ask("new-month", "search", "smart", "");

    RoutingDecision d = router.route("beta").readValue().getDecision();
    assertThat(d.getModel()).isEqualTo("b-vision");
    assertThat(d.getDowngraded()).isFalse();
  }

  @Test
  void overTheSoftLimitTheRequestIsDowngradedToTheCheapestFittingModelOfTheCatalog() {
    router.budget("search", 50 * DOLLAR, 40 * DOLLAR, 42 * DOLLAR, NOW);

    router.ask("soft", "search", "smart", "");

    RoutingDecision d = router.route("gamma").readValue().getDecision();
    assertThat(d.getModel()).isEqualTo("g-mini");
    assertThat(d.getDowngraded()).isTrue();
    assertThat(d.getStrategy()).isEqualTo(RoutingStrategy.CHEAPEST);
    assertThat(d.getReason())
        .contains("downgraded: team search has spent $42.00, over its soft limit of $40.00");
  }

  @Test
  void aDowngradeStillHonoursTheRequestsCapabilities() {
    router.budget("search", 50 * DOLLAR, 40 * DOLLAR, 42 * DOLLAR, NOW);

    router.json(
        """
        {"model":"smart","messages":[{"role":"user","content":"weather?"}],
         "tools":[{"type":"function","function":{"name":"weather"}}],"metadata":{"team":"search","request_id":"soft-tools"}}""");

    RoutingDecision d = router.route("alpha").readValue().getDecision();
    assertThat(d.getModel()).isEqualTo("a-mini");
    assertThat(d.getDowngraded()).isTrue();
  }

  @Test
  void overTheSoftLimitARequestThatForbidsDowngradesKeepsItsModel() {
    router.budget("search", 50 * DOLLAR, 40 * DOLLAR, 42 * DOLLAR, NOW);

    router.ask("no-downgrade", "search", "smart", "\"allow_downgrade\":false");

    RoutingDecision d = router.route("beta").readValue().getDecision();
    assertThat(d.getModel()).isEqualTo("b-vision");
    assertThat(d.getDowngraded()).isFalse();
  }

  @Test
  void aPinnedRequestIsNotDowngraded() {
    router.budget("search", 50 * DOLLAR, 40 * DOLLAR, 42 * DOLLAR, NOW);

    router.ask("pinned", "search", "smart", "\"pinned_model\":\"alpha/a-large\"");

    assertThat(router.route("alpha").readValue().getDecision().getDowngraded()).isFalse();
  }

  @Test
  void aTeamWithoutABudgetRecordHasNoLimit() {
    router.budget("search", 50 * DOLLAR, null, 90 * DOLLAR, NOW);

    router.ask("free", "finance", "smart", "");

    assertThat(router.route("beta").readValue().getRequest().getTeam()).isEqualTo("finance");
  }

  @Test
  void aDeletedBudgetRecordLiftsTheLimit() {
    router.budget("search", 50 * DOLLAR, null, 90 * DOLLAR, NOW);
    router.rawBudget("search", null);

    router.ask("lifted", "search", "cheap", "");

    assertThat(router.route("gamma").readValue().getRequest().getId()).isEqualTo("lifted");
  }

  @Test
  void anUndecodableBudgetRecordIsIgnoredAndTheStreamMovesOn() {
    router.rawBudget("search", new byte[] {1, 2, 3});

    router.ask("after-garbage", "search", "cheap", "");

    assertThat(router.route("gamma").readValue().getRequest().getId()).isEqualTo("after-garbage");
  }
}

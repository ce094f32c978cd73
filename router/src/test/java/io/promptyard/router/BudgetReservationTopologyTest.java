package io.promptyard.router;

import static io.promptyard.router.RouterDriver.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.catalog.ModelSpec;
import io.promptyard.catalog.Usage;
import io.promptyard.router.budget.MaximumCost;
import io.promptyard.router.budget.ReservationSetting;
import io.promptyard.router.routing.BudgetGate;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Priority;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.RoutedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Budget reservations through the router topology: each routed request of a team with a budget
 * holds its maximum cost until the aggregator settles it, a zero-cost result releases it, or it
 * expires; a request that would pass the limit with what is held is REJECTED OVER_BUDGET.
 */
class BudgetReservationTopologyTest {

  /** Pinned to gamma/g-mini: no fallback chain, so the maximum is g-mini's. */
  private static final String PINNED = "\"pinned_model\":\"gamma/g-mini\"";

  private RouterDriver router;

  /** The maximum cost of one of this test's requests, as the router reserves it. */
  private MaximumCost max;

  @BeforeEach
  void probe() {
    router = new RouterDriver(TestCatalog.catalog());
    // a team without a budget is routed straight to its provider: its request shows the maximum
    router.ask("probe", "free", "cheap", PINNED);
    RoutedRequest probe = router.route("gamma").readValue();
    max = MaximumCost.of(probe, TestCatalog.catalog());
    assertThat(max.micros()).isPositive();
  }

  @AfterEach
  void close() {
    router.close();
  }

  @Test
  void aBatchSubmittedAtOnceIsRoutedOnlyAsFarAsItsMaximumCostsFitTheLimit() {
    router.budget("search", 10 * max.micros() + max.micros() / 2, null, 0, NOW);

    ask(25);

    assertThat(routedIds()).hasSize(10);
    List<CompletionResult> refused = router.results.readValuesToList();
    assertThat(refused).hasSize(15);
    assertThat(refused)
        .allSatisfy(
            r -> {
              assertThat(r.getStatus()).isEqualTo(ResultStatus.REJECTED);
              assertThat(r.getError().getCode()).isEqualTo(ErrorCode.OVER_BUDGET);
            });
  }

  @Test
  void anOverBudgetRejectionIsCopiedToTheRequestsReplyTopic() {
    router.budget("search", max.micros() + max.micros() / 2, null, 0, NOW);
    String replyTopic = "\"reply_topic\":\"promptyard.replies.search.c1\"";
    router.ask("held", "search", "cheap", PINNED + "," + replyTopic);

    router.ask("refused", "search", "cheap", PINNED + "," + replyTopic);

    assertThat(routedIds()).containsExactly("held");
    CompletionResult refused = router.results.readValue();
    assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.OVER_BUDGET);
    assertThat(router.replyCopies)
        .containsExactly(Map.entry("promptyard.replies.search.c1", refused));
  }

  @Test
  void theRejectionSaysSpentReservedAndLimitInDollars() {
    // room for one request's maximum, not two
    long spent = 1_000_000 - 2 * max.micros() + 1;
    router.budget("search", 1_000_000, null, spent, NOW);
    router.ask("held", "search", "cheap", PINNED);

    router.ask("refused", "search", "cheap", PINNED);

    assertThat(routedIds()).containsExactly("held");
    assertThat(router.results.readValue().getError().getMessage())
        .isEqualTo(
            "team search has spent "
                + BudgetGate.dollars(spent)
                + " and holds "
                + BudgetGate.dollars(max.micros())
                + " for requests in flight, of its monthly limit of $1.00 in 2026-11 (UTC), and"
                + " this request may cost up to "
                + BudgetGate.dollars(max.micros())
                + "; requests are refused until requests in flight settle, the limit is raised or"
                + " the month ends");
  }

  @Test
  void aSettlementAdoptsTheSpendAndDropsTheReservationInOneStep() {
    router.budget("search", 3 * max.micros() + max.micros() / 2, null, 0, NOW);
    ask(3);
    assertThat(routedIds()).containsExactly("r0", "r1", "r2");

    // r0 really cost a third of its maximum: its reservation goes, its cost stays
    router.settle("search", "r0", "2026-11", max.micros() / 3, 0);
    router.ask("after-settle", "search", "cheap", PINNED);
    router.ask("no-room", "search", "cheap", PINNED);

    assertThat(routedIds()).containsExactly("after-settle");
    assertThat(router.results.readValuesToList())
        .extracting(CompletionResult::getId)
        .containsExactly("no-room");
  }

  @Test
  void aSettlementOfAnUnreservedRequestOnlyAdoptsTheSpend() {
    router.budget("search", 3 * max.micros(), null, 0, NOW);
    ask(1);
    routedIds();

    router.settle("search", "never-reserved", "2026-11", 2 * max.micros(), 0);
    router.ask("no-room", "search", "cheap", PINNED);

    assertThat(router.results.readValue().getId()).isEqualTo("no-room");
  }

  @Test
  void aNewMonthsSpendStartsAfreshWhileReservationsStillHold() {
    router.budget("search", 3 * max.micros(), null, 0, NOW);
    ask(2);
    routedIds();
    router.settle("search", "r0", "2026-11", 2 * max.micros(), 0);

    router.ask("november", "search", "gamma/g-mini", "");
    // December: nothing spent yet; r1's reservation still holds one maximum
    Instant december = Instant.parse("2026-12-01T00:00:00Z");
    router.askAt(december, "december-1", "search", "gamma/g-mini");
    router.askAt(december, "december-2", "search", "gamma/g-mini");
    router.askAt(december, "december-3", "search", "gamma/g-mini");

    assertThat(router.results.readValuesToList())
        .extracting(CompletionResult::getId)
        .containsExactly("november", "december-3");
    assertThat(routedIds()).containsExactly("december-1", "december-2");
  }

  @Test
  void aZeroCostResultReleasesTheReservationAndAPaidOneWaitsForItsSettlement() {
    router.budget("search", 2 * max.micros(), null, 0, NOW);
    ask(2);
    routedIds();

    router.result("r0", "search", ResultStatus.SUCCEEDED, 5);
    router.ask("while-paid-unsettled", "search", "cheap", PINNED);
    router.result("r1", "search", ResultStatus.FAILED, 0);
    router.ask("after-failure", "search", "cheap", PINNED);

    assertThat(router.results.readValuesToList())
        .extracting(CompletionResult::getId)
        .containsExactly("while-paid-unsettled");
    assertThat(routedIds()).containsExactly("after-failure");
  }

  @Test
  void aReservationThatNothingSettlesExpiresAfterItsTimeToLive() {
    router.budget("search", max.micros(), null, 0, NOW);
    ask(1);
    routedIds();

    router.advanceWallClock(ReservationSetting.DEFAULT.ttl().minusMinutes(2));
    router.ask("too-soon", "search", "cheap", PINNED);
    router.advanceWallClock(Duration.ofMinutes(3));
    router.ask("after-expiry", "search", "cheap", PINNED);

    assertThat(router.results.readValue().getId()).isEqualTo("too-soon");
    assertThat(routedIds()).containsExactly("after-expiry");
  }

  @Test
  void aTokenLimitIsReservedAndSettledAsMoneyIs() {
    long limit = 3 * max.tokens() + max.tokens() / 2;
    router.budget("search", 1_000_000_000L, limit, 0, 0, NOW);
    ask(4);

    assertThat(routedIds()).containsExactly("r0", "r1", "r2");
    assertThat(router.results.readValue().getError().getMessage())
        .startsWith(
            "team search has used 0 tokens and holds "
                + 3 * max.tokens()
                + " for requests in flight, of its monthly limit of "
                + limit
                + " tokens in 2026-11 (UTC), and this request may use up to "
                + max.tokens());

    // r0 used a third of its maximum tokens
    router.settle("search", "r0", "2026-11", 1, max.tokens() / 3);
    router.ask("after-settle", "search", "cheap", PINNED);
    router.ask("no-room", "search", "cheap", PINNED);
    assertThat(routedIds()).containsExactly("after-settle");
    assertThat(router.results.readValue().getId()).isEqualTo("no-room");
  }

  @Test
  void withReservationsOffOnlyReportedSpendIsCompared() {
    router.close();
    router = new RouterDriver(TestCatalog.catalog(), ReservationSetting.OFF);
    router.budget("search", 10 * max.micros() + max.micros() / 2, null, 0, NOW);

    ask(25);

    assertThat(routedIds()).hasSize(25);
  }

  @Test
  void theMaximumIsTheDearestModelOfTheFallbackChainAtItsOutputCapOrAtMaxTokens() {
    router.ask("chain", "free", "cheap", "");
    router.json(
        """
        {"model":"cheap","max_tokens":100,"messages":[{"role":"user","content":"Say hello"}],
         "metadata":{"team":"free","request_id":"capped"}}""");

    List<RoutedRequest> routed = router.route("gamma").readValuesToList();
    // g-mini is chosen, a-mini and b-mini follow; b-mini's prices are the highest
    assertThat(routed.getFirst().getDecision().getFallbackChain()).hasSize(2);
    ModelSpec dearest = TestCatalog.catalog().find("beta", "b-mini").orElseThrow();
    int in = routed.getFirst().getDecision().getEstimatedInputTokens();
    assertThat(MaximumCost.of(routed.get(0), TestCatalog.catalog()))
        .isEqualTo(
            new MaximumCost(
                dearest.prices().costMicros(new Usage(in, dearest.maxOutputTokens(), 0, 0)),
                in + dearest.maxOutputTokens()));
    assertThat(MaximumCost.of(routed.get(1), TestCatalog.catalog()))
        .isEqualTo(
            new MaximumCost(dearest.prices().costMicros(new Usage(in, 100, 0, 0)), in + 100));
  }

  @Test
  void aReservedRequestReachesItsLaneWithItsOwnHeadersAndNoneOfTheGates() {
    router.budget("search", 10 * max.micros(), null, 0, NOW);

    router.ask("i1", "search", "cheap", PINNED + ",\"priority\":\"interactive\"");

    TestRecord<String, RoutedRequest> routed = router.interactive("gamma").readRecord();
    assertThat(routed.key()).isEqualTo("i1");
    assertThat(routed.value().getDecision().getPriority()).isEqualTo(Priority.INTERACTIVE);
    assertThat(routed.value().getRequest().getTeam()).isEqualTo("search");
    assertThat(routed.headers().toArray())
        .extracting(Header::key)
        .doesNotContain(BudgetGateStage.KIND_HEADER, BudgetGateStage.TICKET_HEADER);
    assertThat(router.route("gamma").isEmpty()).isTrue();
  }

  @Test
  void aRequestReachingTheGateFromARouterBeforeTicketsIsStillReservedAndRouted() {
    router.budget("search", max.micros() + max.micros() / 2, null, 0, NOW);
    router.ask("earlier", "free", "cheap", PINNED);
    RoutedRequest free = router.route("gamma").readValue();
    RoutedRequest earlier =
        new RoutedRequest(
            CompletionRequest.newBuilder(free.getRequest()).setTeam("search").build(),
            free.getDecision(),
            free.getAttempts());

    router.reserveWithoutTicket(earlier);
    router.ask("after", "search", "cheap", PINNED);

    assertThat(routedIds()).containsExactly("earlier");
    assertThat(router.results.readValue().getError().getCode()).isEqualTo(ErrorCode.OVER_BUDGET);
  }

  /** Requests r0, r1, … of team search, pinned to g-mini. */
  private void ask(int n) {
    IntStream.range(0, n).forEach(i -> router.ask("r" + i, "search", "cheap", PINNED));
  }

  private List<String> routedIds() {
    return router.route("gamma").readValuesToList().stream()
        .map(r -> r.getRequest().getId())
        .toList();
  }
}

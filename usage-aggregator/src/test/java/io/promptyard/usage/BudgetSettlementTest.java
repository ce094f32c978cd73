package io.promptyard.usage;

import static io.promptyard.usage.UsageDriver.base;
import static io.promptyard.usage.UsageDriver.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.promptyard.schemas.Budget;
import io.promptyard.schemas.BudgetSettlement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The settlements the aggregator publishes for the router's budget reservations: one per request of
 * a team with a budget, when its last usage event is counted, carrying the team's month spend and
 * tokens with that request's included.
 */
class BudgetSettlementTest {

  private static final Instant NOV_20 = Instant.parse("2026-11-20T12:00:00Z");
  private final UsageDriver d = new UsageDriver();

  @AfterEach
  void tearDown() {
    d.close();
  }

  @Test
  void theLastUsageEventOfARequestSettlesItWithTheMonthsSpendIncludingItsCost() {
    d.setBudget("acme", 10_000_000, List.of(100), NOV_20);
    d.send(event("r1:1", "acme", NOV_20, 4_000));
    // a worker older than reservations does not say: its events settle
    d.send(base("r2:1", "acme", NOV_20.plusSeconds(1)).setCostMicros(0).setSettles(false).build());
    d.send(
        base("r2:2", "acme", NOV_20.plusSeconds(2)).setCostMicros(6_000).setSettles(true).build());

    assertThat(d.settlements.readValuesToList())
        .extracting(
            BudgetSettlement::getRequestId,
            BudgetSettlement::getMonth,
            BudgetSettlement::getSpentMicros,
            BudgetSettlement::getTokens)
        .containsExactly(
            tuple("r1", "2026-11", 4_000L, 120L), tuple("r2", "2026-11", 10_000L, 360L));
  }

  @Test
  void aRedeliveredEventSettlesNothingTwiceAndATeamWithoutABudgetIsNotSettled() {
    d.setBudget("acme", 10_000_000, List.of(100), NOV_20);
    d.send(event("r1:1", "acme", NOV_20, 4_000));
    d.send(event("r1:1", "acme", NOV_20, 4_000));
    d.send(event("f1:1", "free", NOV_20, 4_000));

    assertThat(d.settlements.readValuesToList())
        .extracting(BudgetSettlement::getRequestId)
        .containsExactly("r1");
  }

  @Test
  void theBudgetStatusCarriesTheMonthsTokens() {
    d.setBudget("acme", 10_000_000, List.of(100), NOV_20);
    d.send(event("r1:1", "acme", NOV_20, 4_000));
    d.emit();

    Budget status = d.status.readKeyValuesToMap().get("acme");
    assertThat(status.getTokensThisMonth()).isEqualTo(120);
    assertThat(status.getSpentThisMonthMicros()).isEqualTo(4_000);
  }
}

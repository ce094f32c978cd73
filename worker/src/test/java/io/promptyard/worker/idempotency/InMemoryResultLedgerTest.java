package io.promptyard.worker.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.worker.job.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryResultLedgerTest {

  private final TestClock clock = new TestClock(Instant.parse("2026-11-23T12:00:00Z"));

  @Test
  void aFinishedJobIsRememberedForItsTtlAndThenForgotten() {
    InMemoryResultLedger ledger = new InMemoryResultLedger(clock, 100);
    ledger.markDone("team-a", "r-1", "SUCCEEDED", Duration.ofHours(24));

    clock.advance(Duration.ofHours(23));
    assertThat(ledger.status("team-a", "r-1")).hasValue("SUCCEEDED");
    assertThat(ledger.isDone("team-b", "r-1")).as("another team's id").isFalse();

    clock.advance(Duration.ofHours(2));
    assertThat(ledger.isDone("team-a", "r-1")).isFalse();
  }

  @Test
  void doneReplacesPublishingWithItsOwnTtl() {
    InMemoryResultLedger ledger = new InMemoryResultLedger(clock, 100);
    ledger.markPublishing(
        "team-a", "r-1", new LedgerEntry.Publishing(3, clock.millis()), Duration.ofMinutes(10));
    assertThat(ledger.lookup("team-a", "r-1")).containsInstanceOf(LedgerEntry.Publishing.class);

    ledger.markDone("team-a", "r-1", "FAILED", Duration.ofHours(24));
    clock.advance(Duration.ofMinutes(11));

    assertThat(ledger.lookup("team-a", "r-1")).contains(new LedgerEntry.Done("FAILED"));
  }

  @Test
  void aJobBeingProcessedHoldsALeaseThatASecondDeliveryFindsUntilTheFirstEndsOrItLapses() {
    InMemoryResultLedger ledger = new InMemoryResultLedger(clock, 100);

    assertThat(ledger.begin("team-a", "r-1", "job-1")).isEmpty();
    assertThat(ledger.begin("team-a", "r-1", "job-2")).contains(new LedgerEntry.Running("job-1"));
    ledger.abandon("team-a", "r-1", "job-2");
    assertThat(ledger.begin("team-a", "r-1", "job-2"))
        .as("only its owner gives a lease up")
        .isPresent();

    ledger.abandon("team-a", "r-1", "job-1");
    assertThat(ledger.begin("team-a", "r-1", "job-2")).isEmpty();
    clock.advance(RedisResultLedger.LEASE);
    assertThat(ledger.begin("team-a", "r-1", "job-3")).as("lapsed").isEmpty();
  }

  @Test
  void pastItsBoundTheLedgerForgetsTheOldestJobsAndKeepsTheRecentOnes() {
    InMemoryResultLedger ledger = new InMemoryResultLedger(clock, 1_000);
    for (int i = 0; i < 5_000; i++) {
      ledger.markDone("team-a", "r-" + i, "SUCCEEDED", Duration.ofHours(24));
    }

    assertThat(ledger.size()).isEqualTo(1_000);
    assertThat(ledger.isDone("team-a", "r-0")).isFalse();
    assertThat(ledger.isDone("team-a", "r-3999")).isFalse();
    assertThat(ledger.isDone("team-a", "r-4000")).isTrue();
    assertThat(ledger.isDone("team-a", "r-4999")).isTrue();
  }

  @Test
  void expiredEntriesAreSweptAsNewOnesArrive() {
    InMemoryResultLedger ledger = new InMemoryResultLedger(clock, 1_000);
    for (int i = 0; i < 500; i++) {
      ledger.markDone("team-a", "old-" + i, "SUCCEEDED", Duration.ofMinutes(1));
    }
    clock.advance(Duration.ofMinutes(2));
    for (int i = 0; i < 500; i++) {
      ledger.markDone("team-a", "new-" + i, "SUCCEEDED", Duration.ofHours(1));
    }

    assertThat(ledger.size()).isEqualTo(500);
  }
}

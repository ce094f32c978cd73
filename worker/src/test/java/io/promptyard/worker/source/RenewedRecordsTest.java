package io.promptyard.worker.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RenewedRecordsTest {

  private static final Duration LOCK = Duration.ofSeconds(30);
  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  private final RenewedRecords<String> renewed = new RenewedRecords<>();

  @Test
  void aRenewedRecordStillOutAWholeLockLaterIsOverdue() {
    renewed.renewed("sim-0@7", 0);

    assertThat(renewed.overdue(29 * SECOND, LOCK)).isZero();
    assertThat(renewed.overdue(31 * SECOND, LOCK)).isEqualTo(1);
  }

  @Test
  void aRecordThatCameBackIsNeverOverdue() {
    renewed.renewed("sim-0@7", 0);
    renewed.settled("sim-0@7");

    assertThat(renewed.overdue(60 * SECOND, LOCK)).isZero();
  }

  @Test
  void aRenewalAgainRestartsTheCount() {
    renewed.renewed("sim-0@7", 0);
    renewed.settled("sim-0@7");
    renewed.renewed("sim-0@7", 20 * SECOND);

    assertThat(renewed.overdue(40 * SECOND, LOCK)).isZero();
    assertThat(renewed.overdue(51 * SECOND, LOCK)).isEqualTo(1);
  }

  @Test
  void onlyTheRecordsStillOutCount() {
    renewed.renewed("sim-0@7", 0);
    renewed.renewed("sim-1@3", 0);
    renewed.renewed("sim-2@9", 0);
    renewed.settled("sim-1@3");

    assertThat(renewed.overdue(31 * SECOND, LOCK)).isEqualTo(2);
    renewed.clear();
    assertThat(renewed.overdue(31 * SECOND, LOCK)).isZero();
  }
}

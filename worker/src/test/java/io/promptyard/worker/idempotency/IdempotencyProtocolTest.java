package io.promptyard.worker.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ResultError;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.worker.idempotency.IdempotencyProtocol.Admission;
import io.promptyard.worker.job.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class IdempotencyProtocolTest {

  private static final Duration GRACE = Duration.ofMinutes(2);

  private final TestClock clock = new TestClock(Instant.parse("2026-11-23T12:00:00Z"));
  private final InMemoryResultLedger ledger = new InMemoryResultLedger(clock, 100);
  private final IdempotencyProtocol protocol =
      new IdempotencyProtocol(ledger, PublishedResults.NONE, Duration.ofDays(1), GRACE, clock);
  private final CompletionRequest request =
      CompletionRequest.newBuilder()
          .setId("r-1")
          .setTeam("team-a")
          .setModel("cheap")
          .setMessages(
              List.of(
                  Message.newBuilder().setRole(Role.USER).setText("Capital of France?").build()))
          .build();
  private final String fingerprint = RequestFingerprint.of(request);

  @Test
  void aJobRunsUnderALeaseThenItsResultIsMarkedPublishingThenPublishedAndARedeliveryIsAlreadyDone()
      throws Exception {
    Admission first = protocol.begin(request, fingerprint, null);
    assertThat(first)
        .isInstanceOfSatisfying(Admission.Run.class, run -> assertThat(run.lease()).isPresent());
    assertThat(ledger.lookup("team-a", "r-1")).containsInstanceOf(LedgerEntry.Running.class);

    CompletionResult result = result(ResultStatus.SUCCEEDED);
    protocol.markPublishing(result, fingerprint, 3);
    assertThat(ledger.lookup("team-a", "r-1"))
        .contains(new LedgerEntry.Publishing(3, clock.millis(), fingerprint));
    protocol.markPublished(result, fingerprint, null);
    assertThat(ledger.lookup("team-a", "r-1"))
        .contains(new LedgerEntry.Done("SUCCEEDED", fingerprint));

    assertThat(protocol.begin(request, fingerprint, null))
        .isInstanceOf(Admission.AlreadyDone.class);
  }

  @Test
  void anAbandonedLeaseLetsTheNextDeliveryRun() throws Exception {
    Admission.Run first = (Admission.Run) protocol.begin(request, fingerprint, null);

    protocol.abandon(first.lease().orElseThrow());

    assertThat(ledger.lookup("team-a", "r-1")).isEmpty();
    assertThat(protocol.begin(request, fingerprint, null)).isInstanceOf(Admission.Run.class);
  }

  @Test
  void aReplayOfAFailedResultRunsAgainIsRecordedAsThatReplaysAndIsNotRunAgainByTheSameReplay()
      throws Exception {
    protocol.markPublished(result(ResultStatus.FAILED), fingerprint, null);

    assertThat(protocol.begin(request, fingerprint, "dlq-0@7")).isInstanceOf(Admission.Run.class);
    protocol.markPublished(result(ResultStatus.FAILED), fingerprint, "dlq-0@7");

    assertThat(ledger.status("team-a", "r-1")).contains("FAILED after replay dlq-0@7");
    assertThat(protocol.begin(request, fingerprint, "dlq-0@7"))
        .isInstanceOf(Admission.AlreadyDone.class);
    assertThat(protocol.begin(request, fingerprint, "dlq-0@9")).isInstanceOf(Admission.Run.class);
  }

  @Test
  void aReplayOfASucceededRequestIsAlreadyDone() throws Exception {
    protocol.markPublished(result(ResultStatus.SUCCEEDED), fingerprint, null);

    assertThat(protocol.begin(request, fingerprint, "dlq-0@7"))
        .isInstanceOf(Admission.AlreadyDone.class);
  }

  @Test
  void aDifferentRequestUnderAnAnsweredIdIsRejectedUnlessAnOperatorReplayedIt() throws Exception {
    protocol.markPublished(result(ResultStatus.FAILED), fingerprint, null);
    String other =
        RequestFingerprint.of(CompletionRequest.newBuilder(request).setModel("smart").build());

    assertThat(protocol.begin(request, other, null))
        .isInstanceOfSatisfying(
            Admission.DuplicateId.class,
            d -> {
              assertThat(d.rejection().getStatus()).isEqualTo(ResultStatus.REJECTED);
              assertThat(d.rejection().getError().getMessage())
                  .contains("request id r-1 of team team-a is already taken");
            });
    assertThat(protocol.begin(request, other, "dlq-0@7"))
        .as("a replay that changed the model")
        .isInstanceOf(Admission.Run.class);
  }

  @Test
  void aPublishingEntryOlderThanTheGraceIsLookedForOnTheResultsTopic() throws Exception {
    ledger.markPublishing(
        "team-a",
        "r-1",
        new LedgerEntry.Publishing(2, clock.millis(), fingerprint),
        Duration.ofDays(1));
    clock.advance(GRACE.plusSeconds(1));
    CompletionResult landed = result(ResultStatus.SUCCEEDED);
    IdempotencyProtocol finding =
        new IdempotencyProtocol(
            ledger,
            (team, id, publishing) -> Optional.of(landed),
            Duration.ofDays(1),
            GRACE,
            clock);

    assertThat(finding.begin(request, fingerprint, null))
        .isEqualTo(new Admission.AlreadyPublished(landed));
    assertThat(protocol.begin(request, fingerprint, null))
        .as("nothing landed: it runs again")
        .isEqualTo(new Admission.Run(Optional.empty()));
  }

  @Test
  void aRequestIdOrTeamWithALineBreakIsLoggedEscapedNotAsASecondLine() throws Exception {
    String forged = "\nINFO io.promptyard.worker.WorkerApp - forged";
    CompletionRequest hostile =
        CompletionRequest.newBuilder(request)
            .setId("r-1" + forged)
            .setTeam("team-a" + forged)
            .build();
    String hostileFingerprint = RequestFingerprint.of(hostile);
    protocol.markPublished(result(hostile, ResultStatus.FAILED), hostileFingerprint, null);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger(IdempotencyProtocol.class);
    logs.start();
    logger.addAppender(logs);
    try {
      assertThat(protocol.begin(hostile, hostileFingerprint, null))
          .isInstanceOf(Admission.AlreadyDone.class);
      assertThat(
              protocol.begin(
                  hostile,
                  RequestFingerprint.of(
                      CompletionRequest.newBuilder(hostile).setModel("smart").build()),
                  null))
          .isInstanceOf(Admission.DuplicateId.class);
    } finally {
      logger.detachAppender(logs);
    }

    assertThat(logs.list).hasSize(2);
    assertThat(logs.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .allSatisfy(line -> assertThat(line).doesNotContain("\n").contains("r-1\\nINFO"))
        .last()
        .asString()
        .contains("team-a\\nINFO");
  }

  /** A result with {@code status}: the protocol reads only a result's id, team and status. */
  private CompletionResult result(ResultStatus status) {
    return result(request, status);
  }

  private static CompletionResult result(CompletionRequest request, ResultStatus status) {
    return CompletionResult.newBuilder(
            TerminalResults.unsuccessful(
                request,
                ResultStatus.FAILED,
                new ResultError(ErrorCode.PROVIDER_ERROR, "500", 500, true),
                1))
        .setStatus(status)
        .build();
  }
}

package io.promptyard.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.Usage;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DetectorVerdict;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.worker.cache.InMemoryResponseCache;
import io.promptyard.worker.guard.CallGuard;
import io.promptyard.worker.idempotency.InMemoryResultLedger;
import io.promptyard.worker.idempotency.PublishedResults;
import io.promptyard.worker.metrics.WorkerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The router's guard verdicts, carried on a job's routing decision, are on every result the worker
 * builds for that job: answered, served from the cache (whose stored answer holds none of another
 * request's), failed.
 */
class GuardVerdictsOnResultsTest {

  private static final List<DetectorVerdict> VERDICTS =
      List.of(
          new DetectorVerdict("email", "redact", 1, 0.98),
          new DetectorVerdict("injection", "flag", 1, 0.7));

  private final TestClock clock = new TestClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final ScriptedProvider sim = new ScriptedProvider("sim");
  private final InMemoryResponseCache cache = new InMemoryResponseCache(clock);
  private final JobProcessor processor =
      new JobProcessor(
          ModelCatalog.bundled(),
          name -> sim,
          cache,
          new InMemoryResultLedger(),
          PublishedResults.NONE,
          new JobPolicy(
              1,
              new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)),
              Duration.ofHours(1),
              Duration.ofDays(7)),
          CallGuard.NONE,
          WorkerMetrics.noop(),
          clock,
          OutcomePublisher.PUBLISHING_GRACE);

  @Test
  void anAnsweredJobsResultAndACacheHitsCarryEachTheirOwnJobsVerdicts() throws Exception {
    sim.answers("Done.", new Usage(100, 10, 0, 0));

    CompletionResult answered = result(job("r-1", VERDICTS));
    CompletionResult fromCache = result(job("r-2", List.of()));
    CompletionResult unguarded = result(job("r-3", null));

    assertThat(answered.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(answered.getGuard()).isEqualTo(VERDICTS);
    assertThat(fromCache.getCached()).isTrue();
    assertThat(fromCache.getGuard()).isEmpty();
    assertThat(unguarded.getGuard()).isNull();
  }

  @Test
  void aFailedJobsResultCarriesItsVerdicts() throws Exception {
    sim.fails(1, ErrorCode.INVALID_REQUEST, false, 400, "bad request");

    CompletionResult failed = result(job("r-1", VERDICTS));

    assertThat(failed.getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(failed.getGuard()).isEqualTo(VERDICTS);
  }

  private CompletionResult result(RoutedRequest job) throws InterruptedException {
    JobOutcome outcome = processor.process(job, chunk -> {});
    assertThat(outcome).isInstanceOf(JobOutcome.Finished.class);
    return ((JobOutcome.Finished) outcome).result();
  }

  private RoutedRequest job(String id, List<DetectorVerdict> verdicts) {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId(id)
            .setTeam("team-a")
            .setModel("cheap")
            .setMessages(
                List.of(
                    Message.newBuilder()
                        .setRole(Role.USER)
                        .setText("Reply to [EMAIL_1] about the refund.")
                        .build()))
            .build();
    RoutingDecision decision =
        RoutingDecision.newBuilder()
            .setProvider("sim")
            .setModel("sim-mini")
            .setReason("test routes to sim/sim-mini")
            .setRoutedAt(clock.instant())
            .setGuard(verdicts)
            .build();
    return new RoutedRequest(request, decision, List.of());
  }
}

package io.promptyard.worker.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.tracing.JobTracing;
import io.promptyard.worker.HeldProvider;
import io.promptyard.worker.cache.InMemoryResponseCache;
import io.promptyard.worker.cache.SemanticAnswers;
import io.promptyard.worker.guard.CallGuard;
import io.promptyard.worker.idempotency.InMemoryResultLedger;
import io.promptyard.worker.idempotency.PublishedResults;
import io.promptyard.worker.metrics.WorkerMetrics;
import io.promptyard.worker.moderation.OutputModeration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Identical requests in flight at the same time in one worker share one provider call. */
class SingleFlightTest {

  private final HeldProvider provider = HeldProvider.holdingAll("Paris.");
  private final WorkerMetrics metrics = WorkerMetrics.of(new SimpleMeterRegistry());
  private final JobProcessor processor =
      new JobProcessor(
          ModelCatalog.bundled(),
          name -> provider,
          new InMemoryResponseCache(Clock.systemUTC()),
          new InMemoryResultLedger(),
          PublishedResults.NONE,
          new JobPolicy(
              1,
              new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)),
              Duration.ofHours(1),
              Duration.ofDays(1)),
          CallGuard.NONE,
          metrics,
          Clock.systemUTC(),
          OutcomePublisher.PUBLISHING_GRACE,
          SemanticAnswers.off(),
          JobTracing.OFF,
          OutputModeration.localOnly());
  private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
  }

  @Test
  void identicalRequestsInFlightTogetherMakeOneProviderCall() throws Exception {
    List<Future<JobOutcome>> outcomes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      RoutedRequest job = job("same-" + i, "team-a");
      outcomes.add(pool.submit(() -> processor.process(job, c -> {})));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> provider.calls() == 1);

    provider.release();

    List<CompletionResult> results = new ArrayList<>();
    for (Future<JobOutcome> f : outcomes) {
      results.add(((JobOutcome.Finished) f.get()).result());
    }
    assertThat(provider.calls()).isEqualTo(1);
    assertThat(results).allMatch(r -> r.getStatus() == ResultStatus.SUCCEEDED);
    assertThat(results).filteredOn(CompletionResult::getCached).hasSize(4);
    assertThat(results)
        .filteredOn(r -> !r.getCached())
        .singleElement()
        .satisfies(r -> assertThat(r.getCostMicros()).isPositive());
    assertThat(results)
        .extracting(CompletionResult::getId)
        .containsExactlyInAnyOrder("same-0", "same-1", "same-2", "same-3", "same-4");
    // Each job counts once among cache lookups: the one that called a miss, the four served hits.
    assertThat(lookups("miss")).isEqualTo(1);
    assertThat(lookups("hit")).isEqualTo(4);
  }

  private double lookups(String result) {
    return metrics
        .registry()
        .get("promptyard.worker.cache")
        .tag("result", result)
        .counter()
        .count();
  }

  @Test
  void whenTheLeaderFailsEachFollowerCallsForItself() throws Exception {
    provider.failingFirstCall();
    Future<JobOutcome> leader = pool.submit(() -> processor.process(job("l", "team-b"), c -> {}));
    await().atMost(Duration.ofSeconds(10)).until(() -> provider.calls() == 1);
    Future<JobOutcome> follower = pool.submit(() -> processor.process(job("f", "team-b"), c -> {}));

    provider.release();

    assertThat(((JobOutcome.Finished) leader.get()).result().getStatus())
        .isEqualTo(ResultStatus.FAILED);
    CompletionResult followerResult = ((JobOutcome.Finished) follower.get()).result();
    assertThat(followerResult.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(followerResult.getCached()).isFalse();
    assertThat(provider.calls()).isEqualTo(2);
  }

  private static RoutedRequest job(String id, String team) {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId(id)
            .setTeam(team)
            .setModel("cheap")
            .setMessages(
                List.of(
                    Message.newBuilder()
                        .setRole(Role.USER)
                        .setText("Same question for everyone")
                        .build()))
            .build();
    RoutingDecision decision =
        RoutingDecision.newBuilder()
            .setProvider("sim")
            .setModel("sim-mini")
            .setReason("test")
            .setRoutedAt(Instant.now())
            .build();
    return new RoutedRequest(request, decision, List.of());
  }
}

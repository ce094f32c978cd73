package io.promptyard.worker.job;

import static io.promptyard.testkit.local.LocalService.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.schemas.CacheMode;
import io.promptyard.schemas.CachePolicy;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.tracing.JobTracing;
import io.promptyard.testkit.local.Needs;
import io.promptyard.worker.HeldProvider;
import io.promptyard.worker.cache.InMemoryResponseCache;
import io.promptyard.worker.cache.SemanticAnswers;
import io.promptyard.worker.guard.CallGuard;
import io.promptyard.worker.idempotency.PublishedResults;
import io.promptyard.worker.idempotency.RedisResultLedger;
import io.promptyard.worker.metrics.WorkerMetrics;
import io.promptyard.worker.moderation.OutputModeration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * A job delivered to a second worker while the first still runs it (the first lost its acquisition
 * lock): the job's lease in the Redis ledger makes the second wait for the first's result. Two
 * processors with their own ledgers stand for the two workers.
 */
@Needs(REDIS)
class JobLeaseIT {

  private final String team = "lease-" + UUID.randomUUID().toString().substring(0, 8);
  private final JedisPooled redisA = new JedisPooled("127.0.0.1", 6379);
  private final JedisPooled redisB = new JedisPooled("127.0.0.1", 6379);
  private final RedisResultLedger ledgerA = new RedisResultLedger(redisA);
  private final RedisResultLedger ledgerB = new RedisResultLedger(redisB);
  private final HeldProvider provider = HeldProvider.holdingAll("Paris.");
  private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void tearDown() {
    provider.release();
    pool.shutdownNow();
    ledgerA.close();
    ledgerB.close();
    redisA.keys("promptyard:done:" + team + ":*").forEach(redisA::del);
    redisA.close();
    redisB.close();
  }

  @Test
  void aJobDeliveredAgainWhileAnotherWorkerRunsItWaitsForThatResultAndMakesNoCall()
      throws Exception {
    JobProcessor first = processor(ledgerA);
    JobProcessor second = processor(ledgerB);
    RoutedRequest job = job();

    // Given the first worker in a call for the job
    Future<JobOutcome> running = pool.submit(() -> first.process(job, c -> {}));
    await().atMost(Duration.ofSeconds(10)).until(() -> provider.calls() == 1);

    // When the job is delivered to the second worker meanwhile
    Future<JobOutcome> again = pool.submit(() -> second.process(job, c -> {}));
    await()
        .pollDelay(Duration.ofMillis(600))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !again.isDone());

    // Then, once the first worker has published its result, the second finds it done without a call
    provider.release();
    JobOutcome outcome = running.get();
    first.markPublishing(outcome, 0);
    first.markPublished(outcome, Delivery.ORIGINAL);
    assertThat(((JobOutcome.Finished) outcome).result().getStatus())
        .isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(again.get()).isInstanceOf(JobOutcome.AlreadyDone.class);
    assertThat(provider.calls()).isEqualTo(1);
  }

  private JobProcessor processor(RedisResultLedger ledger) {
    return new JobProcessor(
        ModelCatalog.bundled(),
        name -> provider,
        new InMemoryResponseCache(Clock.systemUTC()),
        ledger,
        PublishedResults.NONE,
        new JobPolicy(
            1,
            new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)),
            Duration.ofHours(1),
            Duration.ofDays(1)),
        CallGuard.NONE,
        WorkerMetrics.noop(),
        Clock.systemUTC(),
        OutcomePublisher.PUBLISHING_GRACE,
        SemanticAnswers.off(),
        JobTracing.OFF,
        OutputModeration.localOnly());
  }

  private RoutedRequest job() {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId("job-1")
            .setTeam(team)
            .setModel("cheap")
            .setCache(CachePolicy.newBuilder().setMode(CacheMode.BYPASS).build())
            .setMessages(
                List.of(
                    Message.newBuilder().setRole(Role.USER).setText("Capital of France?").build()))
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

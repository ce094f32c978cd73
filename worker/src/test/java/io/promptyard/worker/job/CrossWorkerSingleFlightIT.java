package io.promptyard.worker.job;

import static io.promptyard.testkit.local.LocalService.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.tracing.JobTracing;
import io.promptyard.testkit.local.Needs;
import io.promptyard.worker.HeldProvider;
import io.promptyard.worker.cache.CacheKey;
import io.promptyard.worker.cache.RedisResponseCache;
import io.promptyard.worker.cache.SemanticAnswers;
import io.promptyard.worker.guard.CallGuard;
import io.promptyard.worker.idempotency.InMemoryResultLedger;
import io.promptyard.worker.idempotency.PublishedResults;
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
 * Two workers (two processors, each with its own Redis client) asked the same question at once, on
 * the local Redis.
 */
@Needs(REDIS)
class CrossWorkerSingleFlightIT {

  private final String team = "flight-" + UUID.randomUUID().toString().substring(0, 8);
  private final JedisPooled redisA = new JedisPooled("127.0.0.1", 6379);
  private final JedisPooled redisB = new JedisPooled("127.0.0.1", 6379);
  private final HeldProvider provider = HeldProvider.holdingAll("Paris.");
  private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void tearDown() {
    provider.release();
    pool.shutdownNow();
    redisA.keys(CacheKey.teamPattern(team)).forEach(redisA::del);
    redisA.close();
    redisB.close();
  }

  @Test
  void theSameQuestionAskedOfTwoWorkersAtOnceMakesOneProviderCall() throws Exception {
    JobProcessor workerA = worker(redisA);
    JobProcessor workerB = worker(redisB);

    Future<JobOutcome> a = pool.submit(() -> workerA.process(job("a"), c -> {}));
    await().atMost(Duration.ofSeconds(10)).until(() -> provider.calls() == 1);
    Future<JobOutcome> b = pool.submit(() -> workerB.process(job("b"), c -> {}));
    // Worker B has looked in the cache, missed, and found A's claim: it waits rather than calling
    await()
        .pollDelay(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(10))
        .until(() -> !b.isDone());
    provider.release();

    CompletionResult first = ((JobOutcome.Finished) a.get()).result();
    CompletionResult second = ((JobOutcome.Finished) b.get()).result();
    assertThat(provider.calls()).isEqualTo(1);
    assertThat(List.of(first.getStatus(), second.getStatus())).containsOnly(ResultStatus.SUCCEEDED);
    assertThat(first.getCached()).isFalse();
    assertThat(second.getCached()).isTrue();
    assertThat(second.getOutput().getText()).isEqualTo("Paris.");
  }

  private JobProcessor worker(JedisPooled redis) {
    return new JobProcessor(
        ModelCatalog.bundled(),
        name -> provider,
        new RedisResponseCache(redis, "redis://127.0.0.1:6379"),
        new InMemoryResultLedger(),
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

  private RoutedRequest job(String id) {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId(id)
            .setTeam(team)
            .setModel("cheap")
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

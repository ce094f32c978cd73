package io.promptyard.worker.ratelimit;

import static io.promptyard.testkit.local.LocalService.REDIS;
import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.ChatProviders;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.tracing.JobTracing;
import io.promptyard.testkit.local.Needs;
import io.promptyard.testkit.provider.LatencyDistribution;
import io.promptyard.testkit.provider.SimulatedProvider;
import io.promptyard.testkit.provider.SimulatorConfig;
import io.promptyard.worker.cache.InMemoryResponseCache;
import io.promptyard.worker.cache.SemanticAnswers;
import io.promptyard.worker.idempotency.InMemoryResultLedger;
import io.promptyard.worker.idempotency.PublishedResults;
import io.promptyard.worker.job.Backoff;
import io.promptyard.worker.job.JobOutcome;
import io.promptyard.worker.job.JobPolicy;
import io.promptyard.worker.job.JobProcessor;
import io.promptyard.worker.job.OutcomePublisher;
import io.promptyard.worker.metrics.WorkerMetrics;
import io.promptyard.worker.moderation.OutputModeration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * Three workers (job processors with limiters of their own) share one simulated provider limited to
 * 120 requests/min: together they use the limit without being told off by the provider.
 */
@Needs(REDIS)
class SharedProviderLimitIT {

  private static final int RPM = 120;

  /** The provider's full minute of allowance, then 30 s at 2 a second. */
  private static final int JOBS = RPM + RPM / 2;

  @Test
  void threeWorkersSharingALimitAreAlmostNeverToldOffByTheProvider() throws Exception {
    String prefix = "test:shared-limit:" + UUID.randomUUID() + ":";
    try (SimulatedProvider sim =
            SimulatedProvider.start(
                SimulatorConfig.defaults()
                    .withLatency(LatencyDistribution.fixed(50))
                    .withRequestsPerMinute(RPM));
        JedisPooled redis = new JedisPooled("127.0.0.1", 6379);
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      ProviderSpec spec =
          new ProviderSpec(
              "sim",
              "openai-compatible",
              sim.baseUrl(),
              List.of(),
              null,
              false,
              Map.of("requestsPerMinute", Integer.toString(RPM)));
      ModelCatalog catalog =
          new ModelCatalog(
              List.of(spec),
              ModelCatalog.bundled().models().stream()
                  .filter(m -> m.provider().equals("sim"))
                  .toList());
      ChatProvider provider = ChatProviders.create(spec, Map.of());
      List<RateLimiter> limiters = new ArrayList<>();
      List<JobProcessor> workers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        RateLimiter limiter =
            RateLimiter.shared(
                redis,
                catalog,
                RateLimiterSettings.defaults(Duration.ofMinutes(2)).withKeyPrefix(prefix));
        limiters.add(limiter);
        workers.add(
            new JobProcessor(
                catalog,
                name -> provider,
                new InMemoryResponseCache(Clock.systemUTC()),
                new InMemoryResultLedger(),
                PublishedResults.NONE,
                new JobPolicy(
                    5,
                    10,
                    new Backoff(Duration.ofMillis(50), Duration.ofSeconds(10)),
                    Duration.ofHours(1),
                    Duration.ofDays(1)),
                limiter,
                WorkerMetrics.noop(),
                Clock.systemUTC(),
                OutcomePublisher.PUBLISHING_GRACE,
                SemanticAnswers.off(),
                JobTracing.OFF,
                OutputModeration.localOnly()));
      }

      List<Future<JobOutcome>> outcomes = new ArrayList<>();
      for (int i = 0; i < JOBS; i++) {
        JobProcessor worker = workers.get(i % 3);
        RoutedRequest job = job(i);
        outcomes.add(threads.submit(() -> worker.process(job, c -> {})));
      }
      long rateLimited = 0;
      long calls = 0;
      for (Future<JobOutcome> f : outcomes) {
        JobOutcome.Finished done = (JobOutcome.Finished) f.get();
        assertThat(done.result().getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
        calls += done.usage().size();
        rateLimited +=
            done.usage().stream().filter(u -> u.getErrorCode() == ErrorCode.RATE_LIMITED).count();
      }
      // Limiters of their own would let each worker spend a whole minute's allowance: the last 60
      // jobs would all be told off (60 and more 429s). A shared limit leaves a handful at most,
      // when
      // a loaded machine delays a call past the provider's own refill. How close the three come to
      // the limit's minimum time is measured by `promptyard bench ratelimit-shared`, not here.
      assertThat(rateLimited)
          .as("429s in %d calls", calls)
          .isLessThanOrEqualTo(Math.max(2, calls / 20));
      limiters.forEach(RateLimiter::close);
      provider.close();
      Set<String> keys = redis.keys(prefix + "*");
      if (!keys.isEmpty()) {
        redis.del(keys.toArray(String[]::new));
      }
    }
  }

  private static RoutedRequest job(int i) {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId("limit-" + i + "-" + UUID.randomUUID())
            .setTeam("t")
            .setModel("sim-mini")
            .setMessages(
                List.of(Message.newBuilder().setRole(Role.USER).setText("Question " + i).build()))
            .build();
    RoutingDecision decision =
        RoutingDecision.newBuilder()
            .setProvider("sim")
            .setModel("sim-mini")
            .setFallbackChain(List.of())
            .setEstimatedInputTokens(10)
            .setReason("test")
            .setRoutedAt(Instant.now())
            .build();
    return new RoutedRequest(request, decision, List.of());
  }
}

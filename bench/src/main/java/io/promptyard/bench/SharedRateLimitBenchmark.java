package io.promptyard.bench;

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
import io.promptyard.testkit.provider.SimulatedProvider;
import io.promptyard.testkit.provider.SimulatorConfig;
import io.promptyard.worker.WorkerApp;
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
import io.promptyard.worker.ratelimit.RateLimiter;
import io.promptyard.worker.ratelimit.RateLimiterSettings;
import java.io.PrintWriter;
import java.net.URI;
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
import redis.clients.jedis.UnifiedJedis;

/**
 * Three workers (each a job processor with its own rate limiter, sharing the limits through Redis)
 * against one simulated provider limited to 600 requests/min: the share of the limit used and the
 * 429s the provider sent. The job count is the provider's minute of burst plus {@code
 * promptyard.bench.minutes} of steady rate, so the limit's minimum makespan is that many minutes.
 */
public final class SharedRateLimitBenchmark extends NamedBenchmark {

  private final int rpm = Integer.getInteger("promptyard.bench.rpm", 600);
  private final int minutes = Integer.getInteger("promptyard.bench.minutes", 2);
  private final int workers = 3;

  /** The Redis the workers share their limits through. */
  private final String redisUrl =
      System.getenv().getOrDefault("PROMPTYARD_REDIS_URL", "redis://127.0.0.1:6379");

  public SharedRateLimitBenchmark() {
    super(
        "ratelimit-shared",
        "three workers sharing one simulated 600 requests/min limit through Redis: share of the limit used, 429s");
  }

  @Override
  void measure(Map<String, Object> figures, PrintWriter log) throws Exception {
    int jobs = rpm + rpm * minutes;
    URI redisUri = URI.create(redisUrl);
    String prefix = "bench:ratelimit:" + UUID.randomUUID() + ":";
    log.printf(
        "ratelimit-shared: %d workers, %d requests/min, %d jobs, Redis %s:%d%n",
        workers, rpm, jobs, redisUri.getHost(), redisUri.getPort());
    try (SimulatedProvider sim =
            SimulatedProvider.start(
                SimulatorConfig.answeringAfter(200).withRequestsPerMinute(rpm));
        UnifiedJedis redis = WorkerApp.redisClient(redisUri);
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      ProviderSpec spec =
          new ProviderSpec(
              "sim",
              "openai-compatible",
              sim.baseUrl(),
              List.of(),
              null,
              false,
              Map.of("requestsPerMinute", Integer.toString(rpm)));
      ModelCatalog catalog =
          new ModelCatalog(
              List.of(spec),
              ModelCatalog.bundled().models().stream()
                  .filter(m -> m.provider().equals("sim"))
                  .toList());
      ChatProvider provider = ChatProviders.create(spec, Map.of());
      List<RateLimiter> limiters = new ArrayList<>();
      List<JobProcessor> processors = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        RateLimiter limiter =
            RateLimiter.shared(
                redis,
                catalog,
                RateLimiterSettings.defaults(Duration.ofMinutes(minutes + 1))
                    .withKeyPrefix(prefix));
        limiters.add(limiter);
        processors.add(
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
      long start = System.nanoTime();
      List<Future<JobOutcome>> outcomes = new ArrayList<>(jobs);
      for (int i = 0; i < jobs; i++) {
        JobProcessor p = processors.get(i % workers);
        RoutedRequest job = job(i);
        outcomes.add(threads.submit(() -> p.process(job, c -> {})));
      }
      long succeeded = 0;
      long calls = 0;
      long rateLimited = 0;
      for (Future<JobOutcome> f : outcomes) {
        if (f.get() instanceof JobOutcome.Finished done) {
          succeeded += done.result().getStatus() == ResultStatus.SUCCEEDED ? 1 : 0;
          calls += done.usage().size();
          rateLimited +=
              done.usage().stream().filter(u -> u.getErrorCode() == ErrorCode.RATE_LIMITED).count();
        }
      }
      double makespan = (System.nanoTime() - start) / 1e9;
      double minimum = (jobs - rpm) * 60.0 / rpm;
      figures.put("workers", workers);
      figures.put("limit_rpm", rpm);
      figures.put("jobs", jobs);
      figures.put("succeeded", succeeded);
      figures.put("makespan_s", Figures.round(makespan, 1));
      figures.put("minimum_s", minimum);
      figures.put("limit_used", Figures.round(minimum / makespan, 3));
      figures.put("calls", calls);
      figures.put("http_429", rateLimited);
      figures.put(
          "http_429_fraction", Math.round(rateLimited * 10000.0 / Math.max(1, calls)) / 10000.0);
      figures.put("cores", Runtime.getRuntime().availableProcessors());
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
            .setId("bench-limit-" + i + "-" + UUID.randomUUID())
            .setTeam("bench")
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
            .setReason("benchmark")
            .setRoutedAt(Instant.now())
            .build();
    return new RoutedRequest(request, decision, List.of());
  }
}

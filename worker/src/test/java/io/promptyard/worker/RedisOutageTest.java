package io.promptyard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.promptyard.providers.ChatProviders;
import io.promptyard.providers.catalog.ModelCatalog;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.testkit.provider.LatencyDistribution;
import io.promptyard.testkit.provider.SimulatedProvider;
import io.promptyard.testkit.provider.SimulatorConfig;
import io.promptyard.worker.health.BreakerSettings;
import io.promptyard.worker.job.Backoff;
import io.promptyard.worker.job.JobPolicy;
import io.promptyard.worker.ratelimit.RedisServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Redis stops in the middle of a run and starts again on the same port: the cache, the idempotency ledger and
 * the rate limiter share one Redis, and none of them may cost a job while it is away.
 */
@ExtendWith(KafkaBrokerExtension.class)
class RedisOutageTest {

  private final Topics topics = new Topics("outage" + UUID.randomUUID().toString().substring(0, 8) + ".");
  private final HttpClient http = HttpClient.newHttpClient();
  private final ScheduledExecutorService publishing = Executors.newSingleThreadScheduledExecutor();
  private RedisServerProcess redis;
  private SimulatedProvider sim;
  private WorkerApp worker;
  private RecordCollector collector;
  private RoutedJobs jobs;

  @AfterEach
  void stopAll() throws Exception {
    publishing.shutdownNow();
    if (worker != null) {
      worker.close();
    }
    if (jobs != null) {
      jobs.close();
    }
    if (collector != null) {
      collector.close();
    }
    if (sim != null) {
      sim.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void jobsKeepFlowingWhileRedisIsDownAndEachGetsOneResultAndTheFallbackShowsInMetrics(EmbeddedKafka kafka) throws Exception {
    assumeTrue(RedisServerProcess.available(), "redis-server is not on the PATH");
    redis = new RedisServerProcess().start();
    sim = SimulatedProvider.start(SimulatorConfig.defaults().withLatency(LatencyDistribution.uniform(50, 150)));
    worker = startWorker(kafka);
    collector = new RecordCollector(kafka.bootstrapServers(), List.of(topics.results(), topics.deadLetters()));
    jobs = new RoutedJobs(kafka.bootstrapServers(), topics, "outage");
    // Given jobs published continuously, 20 every 100 ms, until Redis is back
    String run = UUID.randomUUID().toString().substring(0, 8);
    AtomicInteger sent = new AtomicInteger();
    var publisher = publishing.scheduleAtFixedRate(() -> {
      for (int i = 0; i < 20; i++) {
        jobs.send(run + "-" + sent.getAndIncrement());
      }
      jobs.flush();
    }, 0, 100, TimeUnit.MILLISECONDS);
    await().atMost(Duration.ofSeconds(30)).until(() -> results() >= 200);

    // When Redis stops
    redis.stop();

    // Then the worker falls back, says so in its metrics, and jobs keep getting results meanwhile
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(metrics())
        .contains("promptyard_worker_ratelimit_degraded 1.0")
        .contains("promptyard_worker_redis_unreachable{use=\"ledger\"} 1.0")
        .contains("promptyard_worker_redis_unreachable{use=\"cache\"} 1.0"));
    int whenDown = results();
    await().atMost(Duration.ofSeconds(30)).until(() -> results() >= whenDown + 200);

    // And when it starts again on the same port, the worker uses it again
    redis.start();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(metrics())
        .contains("promptyard_worker_ratelimit_degraded 0.0")
        .contains("promptyard_worker_redis_unreachable{use=\"ledger\"} 0.0")
        .contains("promptyard_worker_redis_unreachable{use=\"cache\"} 0.0"));
    publisher.cancel(false);
    int jobsSent = publishing.submit(sent::get).get();
    await().atMost(Duration.ofSeconds(60)).until(() -> results() >= jobsSent);

    Map<String, Long> perId = collector.records(topics.results()).stream()
        .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
    assertThat(perId).as("every job has a result").hasSize(jobsSent);
    assertThat(perId).as("no job has two").allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
    assertThat(collector.records(topics.deadLetters())).as("no job failed because Redis was away").isEmpty();
    assertThat(counter(metrics(), "promptyard_worker_ratelimit_fallbacks_total")).isGreaterThanOrEqualTo(1);
    assertThat(sim.requestsServed()).as("one call per job").isEqualTo(jobsSent);
  }

  private WorkerApp startWorker(EmbeddedKafka kafka) {
    ModelCatalog catalog = ModelCatalog.bundled().withBaseUrl("sim", sim.baseUrl()).restrictTo(p -> p.name().equals("sim"));
    CommonConfig common = new CommonConfig(kafka.bootstrapServers(), topics, new TopicProvisioner(3, (short) 1));
    JobPolicy policy = new JobPolicy(3, new Backoff(Duration.ofMillis(5), Duration.ofMillis(100)), Duration.ofHours(1),
        Duration.ofHours(1));
    WorkerConfig config = new WorkerConfig(common, catalog, List.of("sim"), topics.prefix() + "workers", 2, 100,
        Optional.of(URI.create("redis://127.0.0.1:" + redis.port())), policy, Map.of(),
        new WorkerConfig.Operations(BreakerSettings.defaults(), Duration.ofSeconds(1), Duration.ofSeconds(60), 0,
            Duration.ofSeconds(5)));
    return WorkerApp.start(config, spec -> ChatProviders.create(spec, Map.of()));
  }

  private int results() {
    return collector.records(topics.results()).size();
  }

  private String metrics() throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.httpPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  private static double counter(String metrics, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(metrics);
    assertThat(m.find()).as(name + " in /metrics").isTrue();
    return Double.parseDouble(m.group(1));
  }
}

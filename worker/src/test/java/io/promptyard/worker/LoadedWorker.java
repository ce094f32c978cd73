package io.promptyard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.providers.ChatProviders;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A worker under steady load for Redis fault tests: a {@code redis-server} of its own for the test
 * to stop, freeze or fill ({@link #redis()}), the simulated provider (50–150 ms a call), one worker
 * on the embedded broker, jobs published at a steady rate, and the results and dead letters
 * collected. Every job has its own question, so none is a cache hit of another.
 */
final class LoadedWorker implements AutoCloseable {

  private static final String ALREADY_DONE =
      "promptyard_worker_jobs_total{outcome=\"already_done\"}";

  /**
   * Jobs published every 100 ms while sending: 100 a second, well within what the worker serves
   * with other test JVMs beside it (at 200 a second, a loaded CI machine fell behind them).
   */
  private static final int JOBS_PER_TICK = 10;

  private final RedisServerProcess redis;
  private final Topics topics;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final SimulatedProvider sim;
  private final WorkerApp worker;
  private final RecordCollector collector;
  private final RoutedJobs jobs;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ScheduledExecutorService publishing = Executors.newSingleThreadScheduledExecutor();

  /** Ids published so far, in order; only the publishing thread adds to it. */
  private final List<String> sent = new ArrayList<>();

  private ScheduledFuture<?> sending;

  /** Starts Redis (a {@code redis-server} process of its own) and the worker. */
  LoadedWorker(EmbeddedKafka kafka, String name) throws Exception {
    redis = new RedisServerProcess().start();
    topics = new Topics(name + run + ".");
    sim =
        SimulatedProvider.start(
            SimulatorConfig.defaults().withLatency(LatencyDistribution.uniform(50, 150)));
    ModelCatalog catalog =
        ModelCatalog.bundled()
            .withBaseUrl("sim", sim.baseUrl())
            .restrictTo(p -> p.name().equals("sim"));
    CommonConfig common =
        new CommonConfig(kafka.bootstrapServers(), topics, new TopicProvisioner(3, (short) 1));
    JobPolicy policy =
        new JobPolicy(
            3,
            new Backoff(Duration.ofMillis(5), Duration.ofMillis(100)),
            Duration.ofHours(1),
            Duration.ofHours(1));
    WorkerConfig config =
        WorkerConfig.builder(common, catalog, List.of("sim"), topics.prefix() + "workers", policy)
            .consumers(2, 100)
            .redis(Optional.of(URI.create("redis://127.0.0.1:" + redis.port())))
            .operations(
                new WorkerConfig.Operations(
                    BreakerSettings.defaults(),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(60),
                    0,
                    Duration.ofSeconds(5)))
            .build();
    try {
      worker = WorkerApp.start(config, spec -> ChatProviders.create(spec, Map.of()));
    } catch (RuntimeException e) {
      sim.close();
      redis.close();
      throw e;
    }
    collector =
        new RecordCollector(
            kafka.bootstrapServers(), List.of(topics.results(), topics.deadLetters()));
    jobs = new RoutedJobs(kafka.bootstrapServers(), topics, name);
  }

  /** The worker's Redis. */
  RedisServerProcess redis() {
    return redis;
  }

  /** Publishes {@value #JOBS_PER_TICK} new jobs every 100 ms until {@link #stopSending()}. */
  void startSending() {
    sending =
        publishing.scheduleAtFixedRate(
            () -> {
              for (int i = 0; i < JOBS_PER_TICK; i++) {
                String id = run + "-" + sent.size();
                sent.add(id);
                jobs.send(id);
              }
              jobs.flush();
            },
            0,
            100,
            TimeUnit.MILLISECONDS);
  }

  /** Stops publishing new jobs and returns every id published. */
  List<String> stopSending() throws Exception {
    sending.cancel(false);
    return publishing.submit(() -> List.copyOf(sent)).get();
  }

  /** Ids published so far. */
  List<String> sent() throws Exception {
    return publishing.submit(() -> List.copyOf(sent)).get();
  }

  /**
   * Publishes finished jobs again, as a producer retrying them or a redelivery would, and waits
   * until the worker has found each of them already done (its {@code already_done} count), so
   * without calling or publishing again.
   */
  void sendAgainAndAwaitFoundDone(List<String> ids) throws Exception {
    double before = count(ALREADY_DONE);
    ids.forEach(jobs::send);
    jobs.flush();
    await("the worker finds every job sent again already done")
        .atMost(Duration.ofSeconds(90))
        .until(() -> count(ALREADY_DONE) >= before + ids.size());
  }

  /** Results published so far, one per record (an id with two results counts twice). */
  int results() {
    return collector.records(topics.results()).size();
  }

  /** Ids that have a result. */
  List<String> finished() {
    return collector.records(topics.results()).stream()
        .map(ConsumerRecord::key)
        .distinct()
        .toList();
  }

  /** Waits until at least {@code more} results arrived beyond the {@code now} there were. */
  void awaitResults(int now, int more, Duration atMost) {
    await().atMost(atMost).until(() -> results() >= now + more);
  }

  /**
   * Asserts that each of {@code ids} got exactly one result, and that nothing went to the
   * dead-letter topic.
   */
  void assertExactlyOneResultEachAndNoDeadLetter(List<String> ids, Duration atMost) {
    await().atMost(atMost).until(() -> finished().size() >= ids.size());
    var perId =
        collector.records(topics.results()).stream()
            .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
    assertThat(perId.keySet()).as("ids with a result").containsExactlyInAnyOrderElementsOf(ids);
    assertThat(perId)
        .as("no id has two results")
        .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
    assertThat(collector.records(topics.deadLetters())).as("no job became a dead letter").isEmpty();
  }

  /** Provider calls the simulated provider answered. */
  long providerCalls() {
    return sim.requestsServed();
  }

  /** The worker's {@code /metrics}. */
  String metrics() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.httpPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  /**
   * The value of one sample of {@code /metrics}, named with its labels as Prometheus writes them.
   */
  double metric(String sample) throws Exception {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(metrics());
    assertThat(m.find()).as(sample + " in /metrics").isTrue();
    return Double.parseDouble(m.group(1));
  }

  /**
   * A counter's value in {@code /metrics}; 0 while it has not been counted yet (Micrometer
   * registers it then).
   */
  double count(String sample) throws Exception {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(metrics());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Override
  public void close() throws Exception {
    publishing.shutdownNow();
    worker.close();
    jobs.close();
    collector.close();
    sim.close();
    redis.close();
  }
}

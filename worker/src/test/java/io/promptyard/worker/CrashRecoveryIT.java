package io.promptyard.worker;

import static io.promptyard.testkit.local.LocalService.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.testkit.local.Needs;
import io.promptyard.testkit.provider.LatencyDistribution;
import io.promptyard.testkit.provider.SimulatedProvider;
import io.promptyard.testkit.provider.SimulatorConfig;
import io.promptyard.worker.cache.CacheKey;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;

/**
 * Two worker processes share the jobs of one provider topic (and the idempotency ledger in the
 * local Redis); one of them is killed with SIGKILL in the middle of the run. The broker hands the
 * victim's unacknowledged jobs to the survivor once their acquisition locks run out. A job whose
 * result the victim published but had not yet recorded done is found on the results partition its
 * ledger entry names, not called again.
 */
@Needs(REDIS)
@ExtendWith(KafkaBrokerExtension.class)
class CrashRecoveryIT {

  private static final int JOBS = 2_000;
  private static final int CONSUMERS = 2;
  private static final int MAX_POLL_RECORDS = 100;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final Topics topics = new Topics("crash" + run + ".");
  private final String team = "crash-" + run;
  private final List<Process> workers = new ArrayList<>();
  private SimulatedProvider sim;
  private RecordCollector collector;

  @AfterEach
  void stopAll() throws Exception {
    for (Process p : workers) {
      p.destroyForcibly();
      p.waitFor();
    }
    if (collector != null) {
      collector.close();
    }
    if (sim != null) {
      sim.close();
    }
    try (JedisPooled redis = new JedisPooled("127.0.0.1", 6379)) {
      for (String pattern : List.of("promptyard:done:" + team + ":*", CacheKey.teamPattern(team))) {
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
          var page = redis.scan(cursor, new ScanParams().match(pattern).count(1_000));
          page.getResult().forEach(redis::del);
          cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
      }
    }
  }

  @Test
  void aWorkerKilledMidRunLosesNoJobAndRepeatsOnlyJobsItHadInFlight(EmbeddedKafka kafka)
      throws Exception {
    sim =
        SimulatedProvider.start(
            SimulatorConfig.defaults().withLatency(LatencyDistribution.uniform(1_000, 2_000)));
    try (Admin admin = kafka.admin()) {
      new TopicProvisioner(3, (short) 1)
          .ensure(admin, List.of(topics.route("sim"), topics.results()));
    }
    Path catalog = catalogFor(sim);
    Process victim = startWorker(kafka, catalog, "victim");
    startWorker(kafka, catalog, "survivor");
    Path survivor = Path.of("target", "crash-survivor.log");
    collector =
        new RecordCollector(
            kafka.bootstrapServers(), List.of(topics.results(), topics.deadLetters()));

    // Given a few thousand jobs shared by two running workers
    try (RoutedJobs jobs = new RoutedJobs(kafka.bootstrapServers(), topics, team)) {
      for (int i = 0; i < JOBS; i++) {
        jobs.send(run + "-" + i);
      }
      jobs.flush();
    }
    awaitRun(
        "a quarter of the results",
        Duration.ofSeconds(120),
        () -> collector.records(topics.results()).size() >= JOBS / 4);
    // The victim must hold jobs when it dies; a worker whose share consumers joined late may hold
    // none yet.
    Path victimLog = Path.of("target", "crash-victim.log");
    awaitRun(
        "jobs in flight in the victim",
        Duration.ofSeconds(60),
        () -> counter(scrape(victimLog), "promptyard_worker_jobs_in_flight") > 0);
    assertThat(victim.isAlive()).isTrue();

    // When one is killed without a chance to release anything
    victim.destroyForcibly();
    victim.waitFor();

    // Then every job gets exactly one result
    awaitRun(
        "a result for every job",
        Duration.ofSeconds(180),
        () ->
            collector.records(topics.results()).stream().map(ConsumerRecord::key).distinct().count()
                >= JOBS);
    Map<String, Long> perId =
        collector.records(topics.results()).stream()
            .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
    assertThat(perId.size()).as("jobs with a result").isEqualTo(JOBS);
    List<String> twice =
        perId.entrySet().stream()
            .filter(e -> e.getValue() > 1)
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
    assertThat(twice).as("jobs with two results").isEmpty();
    assertThat(collector.records(topics.deadLetters())).isEmpty();
    // And the provider calls made twice are at most the jobs the victim held when it died: the
    // records the broker delivered again to the survivor once their locks ran out
    long redelivered = (long) counter(scrape(survivor), "promptyard_worker_redeliveries_total");
    long calledTwice = sim.requestsServed() - JOBS;
    org.slf4j.LoggerFactory.getLogger(CrashRecoveryIT.class)
        .info(
            "crash: {} jobs the victim held were delivered again, "
                + "{} provider calls made twice",
            redelivered,
            calledTwice);
    assertThat(redelivered).as("jobs the victim held").isPositive();
    assertThat(calledTwice).as("provider calls made twice").isBetween(0L, redelivered);
  }

  /**
   * Waits for {@code done}; a timeout fails with the results collected so far and the last lines of
   * each worker's log, so a failure on a CI machine says where the run stood.
   */
  private void awaitRun(String what, Duration atMost, Callable<Boolean> done) throws Exception {
    try {
      await().atMost(atMost).ignoreExceptions().until(done);
    } catch (ConditionTimeoutException e) {
      StringBuilder logs = new StringBuilder();
      for (String name : List.of("victim", "survivor")) {
        List<String> lines = Files.readAllLines(Path.of("target", "crash-" + name + ".log"));
        logs.append("\n--- last lines of crash-").append(name).append(".log\n");
        lines
            .subList(Math.max(0, lines.size() - 20), lines.size())
            .forEach(l -> logs.append(l).append('\n'));
      }
      throw new AssertionError(
          "no "
              + what
              + " within "
              + atMost
              + ": "
              + collector.records(topics.results()).size()
              + " results, "
              + sim.requestsServed()
              + " provider calls so far"
              + logs,
          e);
    }
  }

  /** A worker's /metrics; its port is in its log, as the worker prints it at start. */
  private static String scrape(Path log) throws Exception {
    Matcher port =
        Pattern.compile("/metrics and /health on port (\\d+)").matcher(Files.readString(log));
    assertThat(port.find()).as(log + " names the metrics port").isTrue();
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.group(1) + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  private static double counter(String metrics, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /**
   * The bundled catalog with the simulated provider at {@code sim}'s address, in a file a worker
   * process reads.
   */
  private static Path catalogFor(SimulatedProvider sim) throws Exception {
    String yaml;
    try (InputStream in = ModelCatalog.class.getResourceAsStream(ModelCatalog.BUNDLED)) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Path file = Files.createTempFile("promptyard-crash-catalog-", ".yaml");
    file.toFile().deleteOnExit();
    Files.writeString(file, yaml.replace("http://127.0.0.1:8089/v1", sim.baseUrl()));
    return file;
  }

  /**
   * A worker in a JVM of its own, with this test's classpath; its output goes to
   * target/crash-NAME.log.
   */
  private Process startWorker(EmbeddedKafka kafka, Path catalog, String name) throws Exception {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "--enable-native-access=ALL-UNNAMED",
            "-Xmx384m",
            "-cp",
            System.getProperty("java.class.path"),
            WorkerApp.class.getName());
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "PROMPTYARD_BOOTSTRAP_SERVERS",
                kafka.bootstrapServers(),
                "PROMPTYARD_TOPIC_PREFIX",
                topics.prefix(),
                "PROMPTYARD_TOPIC_PARTITIONS",
                "3",
                "PROMPTYARD_CATALOG",
                catalog.toString(),
                "PROMPTYARD_WORKER_PROVIDERS",
                "sim",
                "PROMPTYARD_WORKER_GROUP",
                topics.prefix() + "workers",
                "PROMPTYARD_WORKER_CONSUMERS",
                Integer.toString(CONSUMERS),
                "PROMPTYARD_WORKER_MAX_POLL_RECORDS",
                Integer.toString(MAX_POLL_RECORDS),
                "PROMPTYARD_REDIS_URL",
                "redis://127.0.0.1:6379",
                "PROMPTYARD_WORKER_HTTP_PORT",
                "0"));
    // A delivery timeout of 20 s makes the publishing grace 30 s: the victim's "publishing" ledger
    // entries are looked for on the results topic after 30 s rather than the default's 2 min 10 s.
    // (5 s and 10 s, with the broker's shortest share lock, left a CI run on a loaded machine
    // without 500 results in a minute.)
    env.put("PROMPTYARD_KAFKA_REQUEST_TIMEOUT_MS", "10000");
    env.put("PROMPTYARD_KAFKA_DELIVERY_TIMEOUT_MS", "20000");
    pb.environment().putAll(env);
    Path log = Path.of("target", "crash-" + name + ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = pb.start();
    workers.add(p);
    return p;
  }
}

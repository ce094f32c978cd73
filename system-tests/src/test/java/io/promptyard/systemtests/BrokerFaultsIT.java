package io.promptyard.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.client.batch.BatchInput;
import io.promptyard.client.batch.BatchSubmitter;
import io.promptyard.client.batch.ResultCollector;
import io.promptyard.dev.DevStack;
import io.promptyard.dev.TeamTotals;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.InProcessBrokerOnly;
import io.promptyard.testkit.kafka.TopicContents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Router, worker (share group) and usage aggregator on a three-broker cluster, through broker
 * faults: one broker killed and restarted under load, then the whole cluster gone for a minute.
 * Every request id gets exactly one result, and the aggregator counts every usage event once. The
 * services are never restarted by the test: they resume by themselves.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@InProcessBrokerOnly("a cluster of three brokers that it stops and restarts")
class BrokerFaultsIT {

  private static final Logger log = LoggerFactory.getLogger(BrokerFaultsIT.class);
  private static final Duration OUTAGE = Duration.ofSeconds(60);

  private static EmbeddedKafka cluster;
  private static DevStack stack;

  @BeforeAll
  static void startClusterAndServices() {
    cluster = EmbeddedKafka.startCluster(3);
    stack = DevStack.startOn(cluster, DevStack.Options.defaults());
  }

  @AfterAll
  static void stopServicesAndCluster() {
    if (stack != null) {
      stack.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void topicsTheServicesCreateOnThreeBrokersHaveThreeReplicasAndTwoInSync() throws Exception {
    try (Admin admin = cluster.admin()) {
      List<String> names =
          admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
              .filter(
                  n ->
                      n.startsWith(stack.topics().prefix())
                          || n.startsWith("promptyard-dev-usage-"))
              .toList();
      assertThat(names)
          .contains(
              stack.topics().requests(),
              stack.topics().results(),
              stack.topics().usage(),
              stack.topics().route("sim"),
              stack.topics().budgets());
      assertThat(names).as("the aggregator's changelogs").anyMatch(n -> n.endsWith("-changelog"));

      Map<String, TopicDescription> described =
          admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
      Map<ConfigResource, Config> configs =
          admin
              .describeConfigs(
                  names.stream()
                      .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n))
                      .toList())
              .all()
              .get(30, TimeUnit.SECONDS);
      for (String name : names) {
        assertThat(described.get(name).partitions())
            .as("replicas of %s", name)
            .allMatch(p -> p.replicas().size() == 3);
        assertThat(
                configs
                    .get(new ConfigResource(ConfigResource.Type.TOPIC, name))
                    .get("min.insync.replicas")
                    .value())
            .as("min.insync.replicas of %s", name)
            .isEqualTo("2");
      }
    }
  }

  @Test
  @Order(2)
  void tenThousandJobsWithABrokerKilledAndRestartedMidRunGetOneResultEachAndUsageCountedOnce()
      throws Exception {
    Batch batch = Batch.of("broker-kill", 10_000);
    int victim = 1;
    try (ResultCollector collector =
        new ResultCollector(stack.bootstrapServers(), stack.topics().results())) {
      batch.submit();
      // The waits are generous: a CI machine running other test JVMs beside this one is slow.
      batch.collect(collector, 2_000, Duration.ofMinutes(4));
      cluster.stopBroker(victim);
      log.info("broker {} killed after {} results", victim, batch.results.size());
      try {
        batch.collect(collector, 5_000, Duration.ofMinutes(4));
      } finally {
        // also when the wait failed, so that the next test does not start a broker short
        cluster.startBroker(victim);
      }
      log.info("broker {} restarted after {} results", victim, batch.results.size());
      batch.collect(collector, batch.size(), Duration.ofMinutes(3));
    }

    batch.assertNothingLostOrDoubled();
    assertServicesRunning();
  }

  @Test
  @Order(3)
  void wholeClusterDownForAMinuteMidRunThenBackAndEveryServiceResumesByItself() throws Exception {
    Batch batch = Batch.of("cluster-outage", 2_000);
    try (ResultCollector collector =
        new ResultCollector(stack.bootstrapServers(), stack.topics().results())) {
      batch.submit();
      batch.collect(collector, 500, Duration.ofMinutes(4));
      for (int id : cluster.brokerIds()) {
        cluster.stopBroker(id);
      }
      log.info(
          "every broker stopped after {} results; holding the outage for {}",
          batch.results.size(),
          OUTAGE);
      // Not a wait for a result: the outage itself lasts this long, with every service running
      // against no broker.
      Thread.sleep(OUTAGE.toMillis());
      for (int id : cluster.brokerIds()) {
        cluster.startBroker(id);
      }
      log.info("every broker started again");
      assertServicesRunningOrRecovering();
      batch.collect(collector, batch.size(), Duration.ofMinutes(4));
    }

    batch.assertNothingLostOrDoubled();
    assertServicesRunning();
  }

  private static void assertServicesRunning() {
    assertServicesRunningOrRecovering();
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              assertThat(stack.router().state()).isEqualTo(KafkaStreams.State.RUNNING);
              assertThat(stack.usage().state()).isEqualTo(KafkaStreams.State.RUNNING);
            });
  }

  private static void assertServicesRunningOrRecovering() {
    assertThat(stack.router().failure().failure()).as("router failure").isEmpty();
    assertThat(stack.worker().failure().failure()).as("worker failure").isEmpty();
    assertThat(stack.usage().failure().failure()).as("aggregator failure").isEmpty();
  }

  /** One batch of unique prompts from one team of its own, and what came back for it. */
  private static final class Batch {
    private final String team;
    private final List<BatchInput.Line> lines;
    private final Set<String> ids;
    private final Map<String, CompletionResult> results = new HashMap<>();

    private Batch(String team, List<BatchInput.Line> lines) {
      this.team = team;
      this.lines = lines;
      this.ids =
          lines.stream().map(BatchInput.Line::requestId).collect(Collectors.toUnmodifiableSet());
    }

    static Batch of(String name, int size) {
      String team = name + "-" + UUID.randomUUID().toString().substring(0, 8);
      List<BatchInput.Line> lines = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        lines.add(PipelineEndToEndIT.line(team + ":" + i, team, "Question " + i + " of " + team));
      }
      return new Batch(team, lines);
    }

    int size() {
      return lines.size();
    }

    void submit() throws InterruptedException {
      try (BatchSubmitter submitter =
          new BatchSubmitter(stack.bootstrapServers(), stack.topics().requestsJson())) {
        submitter.submit(lines, n -> {});
      }
    }

    /** Reads results until {@code atLeast} ids of this batch have one. */
    void collect(ResultCollector collector, int atLeast, Duration timeout) {
      results.putAll(
          collector.collect(
              r -> ids.contains(r.getId()), atLeast - results.size(), timeout, r -> {}));
      if (results.size() < atLeast) {
        logServiceThreads();
      }
      assertThat(results.size())
          .as(
              "results of %s within %s (ids still without one: %s)",
              team, timeout, missing().limit(20).toList())
          .isGreaterThanOrEqualTo(atLeast);
    }

    /**
     * Logs where every thread of the router, the worker's sources and the aggregator stands, so
     * that a run in which a service stopped making progress says where it waits.
     */
    private static void logServiceThreads() {
      Thread.getAllStackTraces().entrySet().stream()
          .filter(
              e ->
                  e.getKey().getName().contains("StreamThread")
                      || e.getKey().getName().contains("worker-"))
          .forEach(
              e ->
                  log.warn(
                      "thread {} ({}):\n  at {}",
                      e.getKey().getName(),
                      e.getKey().getState(),
                      Stream.of(e.getValue())
                          .map(StackTraceElement::toString)
                          .collect(Collectors.joining("\n  at "))));
    }

    private Stream<String> missing() {
      return ids.stream().filter(id -> !results.containsKey(id)).sorted();
    }

    void assertNothingLostOrDoubled() {
      Map<String, Long> resultsPerId =
          TopicContents.readAllWithStringKeys(stack.bootstrapServers(), stack.topics().results())
              .stream()
              .filter(r -> ids.contains(r.key()))
              .collect(Collectors.groupingBy(r -> r.key(), Collectors.counting()));
      assertThat(resultsPerId.keySet())
          .as("ids with a result")
          .containsExactlyInAnyOrderElementsOf(ids);
      assertThat(resultsPerId.values()).as("results per id").containsOnly(1L);
      assertThat(results.values())
          .extracting(CompletionResult::getStatus)
          .containsOnly(ResultStatus.SUCCEEDED);

      // A call that failed (the simulator refusing a connection now and then) has a usage event of
      // its own, with its error; each request has exactly one event of a successful call, which the
      // aggregator counts.
      AvroSerde<UsageEvent> serde = AvroSerde.of(UsageEvent.class);
      List<UsageEvent> events =
          TopicContents.readAllWithStringKeys(stack.bootstrapServers(), stack.topics().usage())
              .stream()
              .filter(r -> team.equals(r.key()))
              .map(r -> serde.decode(r.value()))
              .toList();
      Map<String, Set<String>> successfulEventsPerRequest =
          events.stream()
              .filter(e -> e.getErrorCode() == null)
              .collect(
                  Collectors.groupingBy(
                      UsageEvent::getRequestId,
                      Collectors.mapping(UsageEvent::getEventId, Collectors.toSet())));
      assertThat(successfulEventsPerRequest.keySet())
          .as("requests with a usage event")
          .containsExactlyInAnyOrderElementsOf(ids);
      assertThat(successfulEventsPerRequest.values())
          .as("successful calls per request")
          .allMatch(e -> e.size() == 1);

      Map<String, TeamTotals> expected = TeamTotals.fromResults(results.values());
      assertThat(expected.get(team).requests()).isEqualTo(size());
      // After the whole cluster was gone, the aggregator rebuilds its tasks and restores its stores
      // from their changelogs before it answers again; on a busy 2-core machine (another test JVM
      // beside it) that took over a minute in CI.
      await()
          .atMost(Duration.ofMinutes(4))
          .ignoreExceptions()
          .untilAsserted(() -> assertThat(aggregated()).isEqualTo(expected.get(team)));
      log.info(
          "{}: {} requests, {} results, {} usage records ({} distinct events, {} of failed calls), aggregator counted {} "
              + "requests and {} micro-dollars, equal to the results' sums",
          team,
          size(),
          resultsPerId.values().stream().mapToLong(Long::longValue).sum(),
          events.size(),
          events.stream().map(UsageEvent::getEventId).distinct().count(),
          events.stream().filter(e -> e.getErrorCode() != null).count(),
          aggregated().requests(),
          aggregated().costMicros());
    }

    private TeamTotals aggregated() {
      return TeamTotals.fromAggregates(stack.usage().teamDailyTotals()).get(team);
    }
  }
}

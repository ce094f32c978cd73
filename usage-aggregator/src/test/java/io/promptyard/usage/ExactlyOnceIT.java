package io.promptyard.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.usage.UsageFixture.Sums;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Totals equal the sum of the usage events, whatever happens to the aggregator: replays,
 * duplicates, a kill -9.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ExactlyOnceIT {

  /** A leap day; the runs' events span the two minutes after it. */
  private static final Instant NOW = Instant.parse("2028-02-29T12:00:00Z");

  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final Pattern AGGREGATED =
      Pattern.compile("promptyard_usage_events_total\\{outcome=\"aggregated\"[^}]*} ([0-9.E]+)");

  @Test
  void replayingTheWholeUsageTopicFromTheBeginningGivesTheSameTotals(EmbeddedKafka kafka)
      throws Exception {
    Topics topics = new Topics("replay-" + System.nanoTime() + ".");
    List<UsageEvent> events = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      events.add(UsageFixture.event("replay", i, NOW.plusMillis(i)));
    }
    events.addAll(events.subList(0, 300)); // a producer retried some
    Map<String, Sums> expected = UsageFixture.expected(events);
    try (KafkaProducer<String, byte[]> producer = UsageFixture.producer(kafka);
        UsageAggregatorApp first = start(kafka, topics, "replay-first")) {
      UsageFixture.send(producer, topics, events);
      await()
          .atMost(Duration.ofMinutes(2))
          .ignoreExceptions()
          .until(() -> UsageFixture.monthTotals(first).equals(expected));

      try (UsageAggregatorApp fromTheBeginning = start(kafka, topics, "replay-second")) {
        await()
            .atMost(Duration.ofMinutes(2))
            .ignoreExceptions()
            .until(() -> UsageFixture.monthTotals(fromTheBeginning).equals(expected));

        UsageFixture.send(producer, topics, events); // the whole topic again
        await()
            .atMost(Duration.ofMinutes(2))
            .ignoreExceptions()
            .until(() -> fromTheBeginning.metrics().duplicateCount() >= 300 + events.size());
        assertThat(UsageFixture.monthTotals(fromTheBeginning)).isEqualTo(expected);
        await()
            .atMost(Duration.ofMinutes(1))
            .ignoreExceptions()
            .until(() -> first.metrics().duplicateCount() >= 300 + events.size());
        assertThat(UsageFixture.monthTotals(first)).isEqualTo(expected);
      }
    }
  }

  @Test
  void killingTheAggregatorMidStreamAndRestartingItGivesTotalsEqualToTheSumOfTheEvents(
      EmbeddedKafka kafka) throws Exception {
    Topics topics = new Topics("kill-" + System.nanoTime() + ".");
    Path stateDir = Files.createTempDirectory("promptyard-usage-kill-");
    List<UsageEvent> events = new ArrayList<>();
    for (int i = 0; i < 120_000; i++) {
      events.add(UsageFixture.event("kill", i, NOW.plusMillis(i)));
    }
    Map<String, Sums> expected = UsageFixture.expected(events);
    UsageAggregatorApp.ensureTopics(UsageFixture.common(kafka, topics, 3));
    try (KafkaProducer<String, byte[]> producer = UsageFixture.producer(kafka)) {
      UsageFixture.send(producer, topics, events.subList(0, 40_000));
      Process victim = null;
      int port = 0;
      // A port found free may be taken by another JVM before the victim binds it: then the victim
      // stops at once, saying so, and starts again on another.
      for (int attempt = 1; victim == null; attempt++) {
        port = freePort();
        Process started = startInItsOwnJvm(kafka, topics, stateDir, port);
        int tried = port;
        await().atMost(Duration.ofMinutes(2)).until(() -> !started.isAlive() || answers(tried));
        if (started.isAlive()) {
          victim = started;
        } else {
          String log = Files.readString(VICTIM_LOG);
          if (attempt == 3 || !log.contains("could not serve the usage API")) {
            throw new AssertionError("the aggregator in its own JVM stopped at start:\n" + log);
          }
        }
      }
      int victimPort = port;
      try {
        Thread feeder =
            Thread.ofVirtual()
                .start(
                    () -> {
                      for (int from = 40_000; from < events.size(); from += 4_000) {
                        UsageFixture.send(producer, topics, events.subList(from, from + 4_000));
                      }
                    });
        await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> aggregated(victimPort) >= 30_000);
        victim.destroyForcibly().waitFor(); // SIGKILL: no commit, no clean close
        long countedBeforeTheKill = aggregated(victimPort);
        feeder.join();
        assertThat(countedBeforeTheKill).as("the kill came mid-stream").isLessThan(events.size());
      } finally {
        victim.destroyForcibly();
      }
      try (UsageAggregatorApp restarted =
          UsageAggregatorApp.start(
              AggregatorConfig.embedded(
                  UsageFixture.common(kafka, topics, 3), "kill-app", stateDir),
              CLOCK)) {
        await()
            .atMost(Duration.ofMinutes(3))
            .ignoreExceptions()
            .until(() -> UsageFixture.monthTotals(restarted).equals(expected));
        assertThat(UsageFixture.monthTotals(restarted)).isEqualTo(expected);
      }
    }
  }

  private static UsageAggregatorApp start(
      EmbeddedKafka kafka, Topics topics, String applicationId) {
    return UsageAggregatorApp.start(
        AggregatorConfig.embedded(UsageFixture.common(kafka, topics, 3), applicationId, null),
        CLOCK);
  }

  private static final Path VICTIM_LOG = Path.of("target", "kill-victim.log");

  /** Events the victim counted, from its /metrics; the last figure seen once it is dead. */
  private long lastSeen;

  private long aggregated(int port) {
    try {
      Matcher m = AGGREGATED.matcher(UsageFixture.getText(port, "/metrics"));
      if (m.find()) {
        lastSeen = (long) Double.parseDouble(m.group(1));
      }
    } catch (Exception e) {
      // not up yet, or killed
    }
    return lastSeen;
  }

  private static boolean answers(int port) {
    try {
      UsageFixture.getText(port, "/metrics");
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static Process startInItsOwnJvm(
      EmbeddedKafka kafka, Topics topics, Path stateDir, int port) throws Exception {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "--enable-native-access=ALL-UNNAMED",
            "-Xmx512m",
            "-cp",
            System.getProperty("java.class.path"),
            UsageAggregatorApp.class.getName());
    pb.environment()
        .putAll(
            Map.of(
                "PROMPTYARD_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "PROMPTYARD_TOPIC_PREFIX", topics.prefix(),
                "PROMPTYARD_TOPIC_PARTITIONS", "3",
                "PROMPTYARD_USAGE_APPLICATION_ID", "kill-app",
                "PROMPTYARD_STATE_DIR", stateDir.toString(),
                "PROMPTYARD_USAGE_HTTP_PORT", Integer.toString(port),
                "PROMPTYARD_USAGE_COMMIT_INTERVAL_MS", "200"));
    pb.redirectErrorStream(true).redirectOutput(VICTIM_LOG.toFile());
    return pb.start();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}

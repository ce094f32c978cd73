package io.promptyard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.money.MicroDollars;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.usage.UsageAggregatorApp;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * {@code promptyard budget set} reaches the aggregator, and {@code promptyard usage} prints the
 * totals it publishes.
 */
@ExtendWith(KafkaBrokerExtension.class)
class UsageAndBudgetCommandsIT {

  /**
   * Mid-month: the usage is spent now, and {@code promptyard usage} shows the current month by
   * default.
   */
  private static final Instant NOW = Instant.parse("2027-07-15T12:00:00Z");

  @Test
  void budgetSetAppliesAtOnceAndUsagePrintsEachTeamsExactSpendAgainstIt(EmbeddedKafka kafka)
      throws Exception {
    Topics topics = new Topics("cli-usage-" + System.nanoTime() + ".");
    try (var admin = kafka.admin()) {
      new TopicProvisioner(1, (short) 1).ensure(admin, List.of(topics.audit()));
    }
    String[] connection = {
      "--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", topics.prefix()
    };
    try (UsageAggregatorApp aggregator =
        UsageAggregatorApp.start(
            new CommonConfig(kafka.bootstrapServers(), topics, new TopicProvisioner(3, (short) 1)),
            "cli-usage",
            null)) {
      assertThat(
              run(
                  "budget",
                  "set",
                  "search",
                  "--monthly",
                  "250.00",
                  "--alert",
                  "50,80,100",
                  connection[0],
                  connection[1],
                  connection[2],
                  connection[3]))
          .contains("budget of search set: $250.000000 a month, alerts at 50, 80, 100%");

      AvroSerde<UsageEvent> serde = AvroSerde.of(UsageEvent.class);
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
              new StringSerializer(),
              new ByteArraySerializer())) {
        for (int i = 0; i < 10; i++) {
          String team = i < 6 ? "search" : "finance";
          producer.send(
              new ProducerRecord<>(
                  topics.usage(),
                  null,
                  NOW.toEpochMilli(),
                  team,
                  serde.encode(
                      UsageEvent.newBuilder()
                          .setEventId("cli-" + i + ":1")
                          .setRequestId("cli-" + i)
                          .setTeam(team)
                          .setProvider("sim")
                          .setModel(i % 2 == 0 ? "sim-mini" : "sim-large")
                          .setUsage(new TokenUsage(100L, 10L, 0L, 0L))
                          .setCostMicros(25_000_000L + i)
                          .setOccurredAt(NOW)
                          .build())));
        }
      }
      long searchCost = 6 * 25_000_000L + (0 + 1 + 2 + 3 + 4 + 5);

      await()
          .atMost(Duration.ofMinutes(1))
          .untilAsserted(
              () ->
                  assertThat(
                          run("usage", connection[0], connection[1], connection[2], connection[3]))
                      .containsPattern(
                          "search +6 +0 +0 +600 +60 +\\"
                              + MicroDollars.format(searchCost)
                              + " +\\$0.000000 +\\$250.000000 +60%"));
      String perModel =
          run(
              "usage",
              "--team",
              "search",
              connection[0],
              connection[1],
              connection[2],
              connection[3]);
      assertThat(perModel)
          .contains("Team search, per-model usage for month")
          .contains("sim/sim-mini")
          .contains("sim/sim-large")
          .containsPattern("TOTAL +6 ");
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          run(
                              "budget",
                              "show",
                              "search",
                              connection[0],
                              connection[1],
                              connection[2],
                              connection[3]))
                      .containsPattern(
                          "search +\\$250.000000 +\\" + MicroDollars.format(searchCost) + " +60%"));
    }
  }

  @Test
  void aBudgetWithAnAmountThatIsNotMoneyIsRefusedWithTheReason() {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err));
    int exit =
        cli.execute(
            "budget", "set", "search", "--monthly", "lots", "--bootstrap-servers", "localhost:1");
    assertThat(exit).isNotZero();
    assertThat(err.toString()).contains("'lots' is not a dollar amount");
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine(System.getenv(), Clock.fixed(NOW, ZoneOffset.UTC));
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    assertThat(exit).as("exit of %s: %s", String.join(" ", args), err).isZero();
    return out.toString();
  }
}

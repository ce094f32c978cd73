package io.promptyard.cli.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.cli.Main;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@ExtendWith(KafkaBrokerExtension.class)
class RouteCommandIT {

  private final StringWriter out = new StringWriter();

  @Test
  void explainingTheExampleRequestPrintsTheDecisionOnTheInteractiveLane() {
    int exit = run("route", "--explain", "../examples/route-explain.json");

    assertThat(exit).isZero();
    assertThat(out.toString())
        .contains("request:    explain-1 (team finance, model 'smart')")
        .contains("routed to:  openai/gpt-4.1 on promptyard.route.openai.interactive")
        .contains("strategy:   cheapest")
        .contains("fallback:   sim/sim-large")
        .contains("reason:     cheapest of 2 fitting models for 'smart': openai/gpt-4.1");
  }

  @Test
  void anAutoRequestIsExplainedWithTheTierItsComplexityChose(@TempDir Path dir) throws Exception {
    Path easy = dir.resolve("easy.json");
    Files.writeString(
        easy,
        """
        {"model":"auto","messages":[{"role":"user","content":"Translate into French: good morning"}],
         "metadata":{"team":"t"}}""");

    int exit = run("route", "--explain", "../examples/route-explain-auto.json");

    assertThat(exit).isZero();
    assertThat(out.toString())
        .contains("request:    explain-auto (team search, model 'auto')")
        .contains("routed to:  openai/gpt-4.1 on promptyard.route.openai.interactive")
        .contains(
            "reason:     auto: smart (score 0.80 ≥ 0.45: code); cheapest of 2 fitting models for"
                + " 'smart': openai/gpt-4.1");
    assertThat(run("route", "--explain", easy.toString())).isZero();
    assertThat(out.toString())
        .contains(
            "reason:     auto: cheap (score 0.00 < 0.45: routine task); cheapest of 2 fitting"
                + " models for 'cheap'");
  }

  @Test
  void aRequestForAnUnknownModelIsExplainedAsRejectedWithExitStatusOne(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("unknown.json");
    Files.writeString(
        file,
        """
        {"model":"gpt-9-ultra","messages":[{"role":"user","content":"hi"}],"metadata":{"team":"t"}}""");

    int exit = run("route", "--explain", file.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString())
        .contains("rejected:   UNKNOWN_MODEL: model 'gpt-9-ultra' is not in the catalog");
  }

  @Test
  void anOpenAiParameterNoProviderReceivesIsExplainedAsRejectedUnlessDropParamsDropsIt(
      @TempDir Path dir) throws Exception {
    Path refused = dir.resolve("n.json");
    Files.writeString(
        refused,
        """
        {"model":"smart","messages":[{"role":"user","content":"hi"}],"n":2,"metadata":{"team":"t"}}""");
    Path dropped = dir.resolve("n-dropped.json");
    Files.writeString(
        dropped,
        """
        {"model":"smart","messages":[{"role":"user","content":"hi"}],"n":2,
         "metadata":{"team":"t","drop_params":true}}""");

    assertThat(run("route", "--explain", refused.toString())).isEqualTo(1);
    assertThat(out.toString())
        .contains(
            "rejected: INVALID_REQUEST: 'n' is not supported by Promptyard's providers;"
                + " set metadata.drop_params to drop it");
    assertThat(run("route", "--explain", dropped.toString())).isZero();
    assertThat(out.toString())
        .contains("; drop_params dropped n: not carried to Promptyard's providers");
  }

  @Test
  void withLiveSignalsATeamOverItsLimitIsExplainedAsRefused(EmbeddedKafka kafka) throws Exception {
    Topics topics = Topics.defaults();
    try (Admin admin = kafka.admin()) {
      new TopicProvisioner(1, (short) 1)
          .ensureCompacted(admin, List.of(topics.providerHealth(), topics.budgetStatus()));
    }
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  topics.budgetStatus(),
                  "finance",
                  AvroSerde.of(Budget.class)
                      .encode(
                          Budget.newBuilder()
                              .setTeam("finance")
                              .setMonthlyLimitMicros(100_000_000)
                              .setSpentThisMonthMicros(100_000_000)
                              .setUpdatedAt(Instant.parse("2026-11-20T00:00:00Z"))
                              .build())))
          .get();
    }

    int exit =
        run(
            "route",
            "--explain",
            "../examples/route-explain.json",
            "--live",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--at",
            "2026-11-23T10:00:00Z");

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString())
        .contains(
            "rejected:   OVER_BUDGET: team finance has spent $100.00 of its monthly limit of $100.00");
  }

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    return cli.execute(args);
  }
}

package io.promptyard.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.cli.Main;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.testkit.kafka.TopicContents;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Operator commands on the shared test broker leave one audit record each, which {@code promptyard
 * audit} lists; a command whose action could not be recorded does nothing.
 */
@ExtendWith(KafkaBrokerExtension.class)
class AuditTrailIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final EmbeddedKafka kafka;
  private final Topics topics =
      new Topics("audittest" + UUID.randomUUID().toString().substring(0, 8) + ".");

  AuditTrailIT(EmbeddedKafka kafka) {
    this.kafka = kafka;
  }

  @Test
  void everyOperatorActionIsListedWithWhoWhatAndOutcomeAndNoSecret(@TempDir Path dir)
      throws Exception {
    Path template = dir.resolve("greet.yaml");
    Files.writeString(
        template,
        """
        name: greet
        version: "1"
        messages:
          - role: user
            text: "Hello {{ name }}"
        """);

    try (var admin = kafka.admin()) {
      // the router's own topic, which topics create leaves to it
      new TopicProvisioner(1, (short) 1).ensureCompacted(admin, List.of(topics.templates()));
    }

    assertSucceeds(cli("topics", "create", "--partitions", "1", "--replication", "1"));
    assertSucceeds(cli("budget", "set", "search", "--monthly", "250"));
    assertSucceeds(cli("templates", "publish", template.toString()));
    assertSucceeds(cli("templates", "retire", "greet@1"));
    assertSucceeds(cli("dlq", "replay", "--all"));
    assertSucceeds(cli("dlq", "replay", "--all", "--dry-run"));
    assertThat(cli("dlq", "replay", "--all", "--set", "top_p=0").exit)
        .as("refused before acting")
        .isNotZero();
    Cli failed =
        cli(
            "cache",
            "invalidate",
            "--team",
            "search",
            "--redis-url",
            "redis://default:pa55word@127.0.0.1:1");
    assertThat(failed.exit).as("no Redis there").isNotZero();

    Cli listed = cli("audit", "--json");

    assertThat(listed.exit).as(listed.err).isZero();
    List<JsonNode> events = listed.out.lines().map(AuditTrailIT::json).toList();
    assertThat(events)
        .extracting(e -> e.path("command").asText() + " " + e.path("succeeded").asBoolean())
        .containsExactly(
            "topics create true",
            "budget set true",
            "templates publish true",
            "templates retire true",
            "dlq replay true",
            "cache invalidate false");
    assertThat(events)
        .allSatisfy(
            e -> {
              assertThat(e.path("os_user").asText()).isEqualTo(System.getProperty("user.name"));
              assertThat(e.path("principal").asText()).isEqualTo("User:ANONYMOUS");
              assertThat(e.path("at").asText()).isNotBlank();
            });
    assertThat(events.get(1).path("outcome").asText())
        .isEqualTo("budget of search set: $250.000000 a month, alerts at 50, 80, 100%");
    assertThat(strings(events.get(1).path("arguments")))
        .containsSubsequence("search", "--monthly", "250");
    assertThat(events.get(4).path("outcome").asText()).isEqualTo("0 dead letter(s) replayed");
    assertThat(strings(events.get(5).path("arguments"))).contains("redis://[hidden]@127.0.0.1:1");
    assertThat(listed.out).doesNotContain("pa55word");

    Cli table = cli("audit", "--command", "templates", "--since", "1h");
    assertThat(table.exit).as(table.err).isZero();
    assertThat(table.out.lines().skip(1).toList())
        .hasSize(2)
        .allSatisfy(l -> assertThat(l).contains("templates ", " ok "));
  }

  @Test
  void anActionThatCouldNotBeRecordedIsNotTaken() {
    Topics unaudited = new Topics("noaudit" + UUID.randomUUID().toString().substring(0, 8) + ".");
    try (var admin = kafka.admin()) {
      new TopicProvisioner(1, (short) 1).ensure(admin, List.of(unaudited.budgets()));
    }

    Cli set = cli(unaudited, "budget", "set", "search", "--monthly", "1");

    assertThat(set.exit).isNotZero();
    assertThat(set.err)
        .contains("nothing was done: the audit topic " + unaudited.audit() + " cannot be used")
        .contains("promptyard topics create makes it");
    assertThat(TopicContents.readAll(kafka.bootstrapServers(), unaudited.budgets())).isEmpty();
  }

  private record Cli(int exit, String out, String err) {}

  private static void assertSucceeds(Cli run) {
    assertThat(run.exit).as(run.err).isZero();
  }

  private Cli cli(String... args) {
    return cli(topics, args);
  }

  private Cli cli(Topics prefix, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli =
        Main.commandLine(
            Map.of(
                "PROMPTYARD_BOOTSTRAP_SERVERS",
                kafka.bootstrapServers(),
                "PROMPTYARD_TOPIC_PREFIX",
                prefix.prefix(),
                "HOME",
                "/nonexistent"));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Cli(exit, out.toString(), err.toString());
  }

  private static List<String> strings(JsonNode array) {
    List<String> all = new ArrayList<>();
    array.forEach(n -> all.add(n.asText()));
    return all;
  }

  private static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }
}

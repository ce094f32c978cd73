package io.promptyard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every command explains itself with examples, and a failure is one line with the reason and a
 * non-zero exit.
 */
class CommandLineTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine cli = Main.commandLine(Map.of("HOME", "/nonexistent"));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void everyCommandHasHelpWithExamplesThatUseIt() {
    List<List<String>> paths = new ArrayList<>();
    collect(Main.commandLine(), new ArrayList<>(), paths);
    assertThat(paths)
        .extracting(p -> String.join(" ", p))
        .contains(
            "submit",
            "results",
            "dlq list",
            "dlq show",
            "dlq replay",
            "topics create",
            "topics describe",
            "cache invalidate");

    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      assertThat(run(args.toArray(String[]::new))).as("promptyard %s --help", path).isZero();
      assertThat(out.toString())
          .as("help of %s", path)
          .contains("Examples:")
          .contains("promptyard " + String.join(" ", path) + " ");
    }
  }

  @Test
  void everyCommandThatTakesTheBrokerTakesBothSpellingsAndAClientPropertiesFile() {
    List<List<String>> paths = new ArrayList<>();
    collect(Main.commandLine(), new ArrayList<>(), paths);
    CommandLine root = Main.commandLine();
    List<String> without = new ArrayList<>();
    for (List<String> path : paths) {
      CommandLine command = root;
      for (String name : path) {
        command = command.getSubcommands().get(name);
      }
      if (!command.getSubcommands().isEmpty()) {
        continue;
      }
      var spec = command.getCommandSpec();
      if (spec.findOption("--bootstrap-server") == null) {
        without.add(String.join(" ", path));
        continue;
      }
      assertThat(spec.findOption("--bootstrap-servers"))
          .as(String.join(" ", path))
          .isSameAs(spec.findOption("--bootstrap-server"));
      assertThat(spec.findOption("--command-config")).as(String.join(" ", path)).isNotNull();
    }
    // these read files or call providers only (guard check takes the broker for --team); service
    // reads PROMPTYARD_BOOTSTRAP_SERVERS and PROMPTYARD_KAFKA_CONFIG as the services' own jars do
    assertThat(without)
        .containsExactlyInAnyOrder("service", "templates render", "providers check", "guard eval");
  }

  @Test
  void helpWrapsToTheTerminalsWidthButNeverInsideAnExample() {
    CommandLine cli = Main.commandLine(Map.of());
    cli.setUsageHelpWidth(60); // what picocli falls back to where there is no terminal to ask
    StringWriter help = new StringWriter();
    cli.setOut(new PrintWriter(help, true));

    assertThat(cli.execute("dlq", "replay", "--help")).isZero();

    String example =
        "  promptyard dlq replay --provider openai --to-provider anthropic --model claude-haiku-4-5";
    assertThat(help.toString().lines()).contains(example);
    assertThat(help.toString().lines())
        .filteredOn(l -> !l.startsWith("  promptyard "))
        .allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(60));
    // the description is one paragraph wrapped to the width, not lines broken for another width:
    // the end of one source line and the start of the next share a line
    assertThat(help.toString().lines()).anyMatch(l -> l.contains("afresh. A worker's letter"));
  }

  private static void collect(CommandLine command, List<String> path, List<List<String>> paths) {
    for (var e : command.getSubcommands().entrySet()) {
      if (e.getKey().equals("help")) {
        continue;
      }
      List<String> sub = new ArrayList<>(path);
      sub.add(e.getKey());
      paths.add(sub);
      collect(e.getValue(), sub, paths);
    }
  }

  @Test
  void versionIsTheBuildsOwn() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString().lines().findFirst())
        .hasValueSatisfying(
            line -> assertThat(line).matches("promptyard \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"));
    assertThat(out.toString()).contains("Java " + Runtime.version().feature());
  }

  @Test
  void mistakesOnTheCommandLineAreOneLineWithWhereToLook() {
    assertThat(run("submit", "--no-such-flag", "x.jsonl")).isEqualTo(2);
    assertOneLine(
        "promptyard submit: Unknown option: '--no-such-flag' (see promptyard submit --help)");

    assertThat(run("results", "--bootstrap-sever", "kafka:9092")).isEqualTo(2);
    assertThat(err.toString())
        .startsWith(
            "promptyard results: Unknown options: '--bootstrap-sever', 'kafka:9092'; did you mean"
                + " --bootstrap-server")
        .endsWith("(see promptyard results --help)" + System.lineSeparator());

    assertThat(run("dlq", "lst")).isEqualTo(2);
    assertOneLine(
        "promptyard dlq: Unmatched argument at index 1: 'lst'; did you mean list?"
            + " (see promptyard dlq --help)");

    assertThat(run("submit")).isEqualTo(2);
    assertOneLine(
        "promptyard submit: Missing required parameter: 'FILE.jsonl' (see promptyard submit --help)");

    assertThat(run("dlq", "replay", "--model", "x")).isEqualTo(1);
    assertOneLine("promptyard dlq replay: --model needs --to-provider");
  }

  @Test
  void userErrorsAreOneLineWithoutAStackTrace(@TempDir Path dir) throws Exception {
    assertThat(run("submit", dir.resolve("missing.jsonl").toString())).isEqualTo(1);
    assertOneLine("promptyard submit: cannot read " + dir.resolve("missing.jsonl"));

    assertThat(run("results", "--topic-prefix", "bad prefix!")).isEqualTo(1);
    assertOneLine(
        "promptyard results: bad topic prefix: topic prefix 'bad prefix!' may only contain letters, digits, '.', '_' and '-'");

    assertThat(run("results", "--config", dir.resolve("nope.properties").toString())).isEqualTo(1);
    assertOneLine(
        "promptyard results: config file "
            + dir.resolve("nope.properties")
            + " does not exist or cannot be read");

    Path empty =
        Files.writeString(dir.resolve("ops.properties"), "bootstrap.servers=127.0.0.1:1\n");
    assertThat(run("dlq", "list", "--config", empty.toString())).isEqualTo(1);
    assertThat(err.toString().strip())
        .startsWith("promptyard dlq list: Kafka did not answer in time")
        .contains("check --bootstrap-server");
    assertThat(err.toString().strip().lines()).hasSize(1);
  }

  @Test
  void aCommandConfigKafkaRefusesFailsWithoutPrintingItsSecret(@TempDir Path dir) throws Exception {
    String secret = "pw-" + "Zq7".repeat(6);
    Path properties =
        Files.writeString(
            dir.resolve("client.properties"),
            "security.protocol=SASL_PLAINTEXT\n"
                + "sasl.mechanism=PLAIN\n"
                + "sasl.jaas.config=PlainLoginModule username=ops password=\""
                + secret
                + "\"\n");

    assertThat(
            run(
                "budget",
                "show",
                "--bootstrap-server",
                "127.0.0.1:1",
                "--command-config",
                properties.toString()))
        .isEqualTo(1);
    assertThat(err.toString()).startsWith("promptyard budget show: ").doesNotContain(secret);
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void submittingToATeamTopicRefusesALineOfAnotherTeamBeforeSendingAnything(@TempDir Path dir)
      throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("jobs.jsonl"),
            """
            {"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"model":"cheap","messages":[{"role":"user","content":"hi"}]}}
            {"custom_id":"b","team":"search","method":"POST","url":"/v1/chat/completions","body":{"model":"cheap","messages":[{"role":"user","content":"hi"}]}}
            """);

    assertThat(run("submit", file.toString(), "--team-topic")).isEqualTo(1);
    assertOneLine("promptyard submit: --team-topic needs --team: the team whose topic it is");

    assertThat(
            run(
                "submit",
                file.toString(),
                "--team",
                "finance",
                "--team-topic",
                "--bootstrap-servers",
                "127.0.0.1:1"))
        .isEqualTo(1);
    assertOneLine(
        "promptyard submit: line 2 names team 'search', but --team-topic publishes to"
            + " promptyard.team.finance.requests.json, which carries only team finance's requests;"
            + " nothing was sent");
  }

  private void assertOneLine(String expected) {
    assertThat(err.toString().strip()).isEqualTo(expected);
    assertThat(out.toString()).isEmpty();
  }
}

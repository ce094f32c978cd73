package io.promptyard.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.cli.Main;
import io.promptyard.dev.UsageTable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code promptyard dev} as a user runs it: the example batch, a results file, and a usage table
 * that agrees with it.
 */
class DevCommandIT {

  @Test
  void devRunsTheExampleBatchAndPrintsTotalsThatMatchTheResultsFile(@TempDir Path dir)
      throws Exception {
    Path results = dir.resolve("results.jsonl");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));

    int exit =
        cli.execute(
            "dev",
            "--input",
            "../examples/batch.jsonl",
            "--out",
            results.toString(),
            "--latency-ms",
            "0");

    assertThat(exit).as("exit code; stderr:%n%s", err).isZero();
    List<String> inputLines = Files.readAllLines(Path.of("../examples/batch.jsonl"));
    List<String> lines = Files.readAllLines(results);
    assertThat(lines).hasSize(inputLines.size());
    ObjectMapper json = new ObjectMapper();
    long costMicros = 0;
    long succeeded = 0;
    long semantic = 0;
    for (String line : lines) {
      JsonNode node = json.readTree(line);
      assertThat(node.path("custom_id").asText()).isNotBlank();
      if (node.path("response").path("status_code").asInt() == 200) {
        succeeded++;
        assertThat(
                node.path("response")
                        .path("body")
                        .path("choices")
                        .get(0)
                        .path("message")
                        .path("content")
                        .isTextual()
                    || node.path("response")
                        .path("body")
                        .path("choices")
                        .get(0)
                        .path("message")
                        .has("tool_calls"))
            .isTrue();
      }
      costMicros += node.path("promptyard").path("cost_micros").asLong();
      if ("semantic".equals(node.path("promptyard").path("cache").asText())) {
        semantic++;
      }
      if (node.path("custom_id").asText().endsWith("-reworded")) {
        // submitted once its original was answered: the semantic cache answers it
        assertThat(node.path("promptyard").path("cache").asText())
            .as("%s", node.path("custom_id"))
            .isEqualTo("semantic");
        assertThat(node.path("promptyard").path("reused_request_id").asText())
            .isEqualTo(
                node.path("promptyard").path("request_id").asText().replace("-reworded", ""));
      }
    }
    String table = out.toString();
    String totalRow = table.lines().filter(l -> l.startsWith("TOTAL")).findFirst().orElseThrow();
    String[] total = totalRow.split("\\s+");
    assertThat(total[1]).isEqualTo(Long.toString(succeeded));
    // team, requests, cached, semantic, input tokens, output tokens, cost, saved
    assertThat(semantic).as("the example's four rewordings").isEqualTo(4);
    assertThat(total[3]).as("semantic hits").isEqualTo(Long.toString(semantic));
    // A shadow call may have verified a semantic hit (a sample of 3%, by request id): the
    // aggregator bills it to the team, and the line under the table says what it cost.
    String agreement =
        table
            .lines()
            .filter(l -> l.startsWith("These totals equal the sums over the results file"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no agreement line in:\n" + table));
    assertThat(total[6]).isEqualTo(UsageTable.dollars(costMicros + shadowMicros(agreement)));
    assertThat(err.toString()).contains("in-memory stand-ins");
    // The example's three guard lines, under the default policy: personal data redacted, a key
    // blocked before any provider is paid, an injection flagged.
    assertThat(table)
        .contains("guard verdicts (requests): ")
        .contains("email redact ×1")
        .contains("phone redact ×1")
        .contains("secret block ×1")
        .contains("injection flag ×1");
    String all = String.join("\n", lines);
    assertThat(all).doesNotContain("jane.doe@example.com").doesNotContain("555 0123");
    JsonNode blocked =
        lines.stream()
            .map(l -> readTree(json, l))
            .filter(n -> n.path("custom_id").asText().equals("guard-block"))
            .findFirst()
            .orElseThrow();
    assertThat(blocked.path("response").path("status_code").asInt()).isEqualTo(400);
    assertThat(blocked.toString()).contains("secret").doesNotContain("sk-proj-");
  }

  private static JsonNode readTree(ObjectMapper json, String line) {
    try {
      return json.readTree(line);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void devIsACommandOfPromptyardWithHelpAndExamples() {
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));

    int exit = cli.execute("dev", "--help");

    assertThat(exit).isZero();
    assertThat(out.toString()).contains("Examples:").contains("promptyard dev ");
  }

  @Test
  void unreadableInputFailsWithOneLineNamingTheFile(@TempDir Path dir) {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));

    int exit = cli.execute("dev", "--input", dir.resolve("missing.jsonl").toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .contains("cannot read the batch file")
        .contains("missing.jsonl")
        .hasLineCount(1);
  }

  /** The cost of the shadow calls an agreement line names, 0 when it names none. */
  private static long shadowMicros(String agreement) {
    Matcher cost = Pattern.compile("shadow calls? .*\\$(\\d+\\.\\d{6}): billed").matcher(agreement);
    return cost.find() ? new BigDecimal(cost.group(1)).movePointRight(6).longValueExact() : 0;
  }
}

package io.promptyard.cli.batch;

import io.promptyard.cli.ConnectedCommand;
import io.promptyard.cli.OutputOption;
import io.promptyard.cli.TerminalText;
import io.promptyard.client.batch.BatchOutput;
import io.promptyard.client.batch.ResultCollector;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.money.MicroDollars;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code promptyard results}: prints results in the OpenAI Batch output format. */
@Command(
    name = "results",
    mixinStandardHelpOptions = true,
    description = {
      "Print results in OpenAI Batch output format, one JSON line per request (its newest result).",
      "A request replayed from the dead-letter topic shows its new result, not the failed one.",
      "",
      "The output is JSON Lines, a line as each result is read (docs/REQUESTS.md names the fields);",
      "--output text prints one line a request for people instead."
    },
    footer = {
      "",
      "Examples:",
      "  promptyard results --batch batch_1a2b3c4d5e6f7a8b --out results.jsonl",
      "  promptyard results --follow                       # then every new result until Ctrl-C",
      "  promptyard results --bootstrap-server kafka:9092 --batch nightly-2026-11-23",
      "  promptyard results --batch nightly-2026-11-23 --output text"
    })
public final class ResultsCommand extends ConnectedCommand {

  private static final String TEXT_FORMAT = "%-24s %-9s %-36s %8s %8s %12s  %s%n";

  @Option(names = "--batch", description = "only results of this batch id")
  String batch;

  @Option(names = "--out", description = "write to this file instead of standard output")
  Path out;

  @Option(
      names = "--follow",
      description = "after the results so far, keep printing new ones until interrupted")
  boolean follow;

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      defaultValue = "json",
      converter = OutputOption.FormatConverter.class,
      description =
          "json (the default): JSON Lines in OpenAI Batch output format; or text: custom id, status,"
              + " provider/model, input and output tokens, cost, and the answer or error on one line")
  OutputOption.Format format;

  @Override
  protected void execute(PrintWriter stdout) throws Exception {
    Predicate<CompletionResult> accept = r -> batch == null || batch.equals(r.getBatchId());
    PrintWriter writer =
        out == null
            ? stdout
            : new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8));
    Map<String, Object> config = ResultCollector.consumerConfig(connection.kafkaClientConfig());
    try (ResultCollector collector =
        new ResultCollector(
            connection.clients().consumer(config),
            connection.topics().results(),
            config.get("bootstrap.servers"))) {
      boolean text = format == OutputOption.Format.TEXT;
      if (text) {
        writer.printf(
            TEXT_FORMAT, "CUSTOM ID", "STATUS", "MODEL", "IN", "OUT", "COST (USD)", "ANSWER");
      }
      int[] count = {0};
      Consumer<CompletionResult> print =
          r -> {
            if (text) {
              writer.printf(TEXT_FORMAT, textLine(r));
            } else {
              writer.println(BatchOutput.line(r).toString());
            }
            writer.flush();
            count[0]++;
          };
      // One line per request id: its newest result (a request replayed from the dead-letter topic
      // has a newer result than its FAILED one). With --follow, a later result of an id printed
      // before is printed again.
      collector.collectToEnd(accept).values().forEach(print);
      if (follow) {
        Runtime.getRuntime().addShutdownHook(new Thread(collector::wakeup));
        try {
          collector.follow(accept, print);
        } catch (org.apache.kafka.common.errors.WakeupException e) {
          // interrupted by the user
        }
      }
      if (out != null) {
        err().println("wrote " + count[0] + " results to " + out);
      }
    } finally {
      if (out != null) {
        writer.close();
      }
    }
  }

  /**
   * A result as {@code --output text} prints it; what producers and models wrote is kept to one
   * line without control characters.
   */
  private static Object[] textLine(CompletionResult r) {
    String answer =
        r.getError() != null
            ? r.getError().getCode() + ": " + r.getError().getMessage()
            : r.getOutput() == null || r.getOutput().getText() == null
                ? r.getOutput() != null && !r.getOutput().getToolCalls().isEmpty()
                    ? "(" + r.getOutput().getToolCalls().size() + " tool call(s))"
                    : "-"
                : r.getOutput().getText();
    String model =
        r.getModel() == null
            ? "-"
            : (r.getProvider() == null ? "" : r.getProvider() + "/") + r.getModel();
    return new Object[] {
      TerminalText.oneLine(r.getCustomId() == null ? r.getId() : r.getCustomId(), 24),
      r.getStatus(),
      TerminalText.oneLine(model, 36),
      r.getUsage().getInputTokens(),
      r.getUsage().getOutputTokens(),
      MicroDollars.format(r.getCostMicros()),
      TerminalText.oneLine(answer, 100)
    };
  }
}

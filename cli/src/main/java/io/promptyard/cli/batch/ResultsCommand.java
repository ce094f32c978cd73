package io.promptyard.cli.batch;

import io.promptyard.cli.ConnectedCommand;
import io.promptyard.client.batch.BatchOutput;
import io.promptyard.client.batch.ResultCollector;
import io.promptyard.schemas.CompletionResult;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
      "A request replayed from the dead-letter topic shows its new result, not the failed one."
    },
    footer = {
      "",
      "Examples:",
      "  promptyard results --batch batch_1a2b3c4d5e6f7a8b --out results.jsonl",
      "  promptyard results --follow                       # then every new result until Ctrl-C",
      "  promptyard results --bootstrap-server kafka:9092 --batch nightly-2026-11-23"
    })
public final class ResultsCommand extends ConnectedCommand {

  @Option(names = "--batch", description = "only results of this batch id")
  String batch;

  @Option(names = "--out", description = "write to this file instead of standard output")
  Path out;

  @Option(
      names = "--follow",
      description = "after the results so far, keep printing new ones until interrupted")
  boolean follow;

  @Override
  protected void execute(PrintWriter stdout) throws Exception {
    Predicate<CompletionResult> accept = r -> batch == null || batch.equals(r.getBatchId());
    PrintWriter writer =
        out == null
            ? stdout
            : new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8));
    try (ResultCollector collector =
        new ResultCollector(connection.kafkaClientConfig(), connection.topics().results())) {
      int[] count = {0};
      Consumer<CompletionResult> print =
          r -> {
            writer.println(BatchOutput.line(r).toString());
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
}

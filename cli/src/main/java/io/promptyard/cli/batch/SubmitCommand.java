package io.promptyard.cli.batch;

import io.promptyard.cli.ConnectedCommand;
import io.promptyard.cli.Progress;
import io.promptyard.client.batch.BatchInput;
import io.promptyard.client.batch.BatchSubmitter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code promptyard submit FILE.jsonl}: publishes an OpenAI Batch input file to the JSON ingress
 * topic.
 */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = "Submit an OpenAI Batch input file (JSONL) to Promptyard and print its batch id.",
    footer = {
      "",
      "Examples:",
      "  promptyard submit examples/batch.jsonl",
      "  promptyard submit jobs.jsonl --team search --batch-id nightly-2026-11-23",
      "  promptyard submit jobs.jsonl --bootstrap-servers kafka:9092 --config ops.properties",
      "  promptyard results --batch nightly-2026-11-23 --out results.jsonl"
    })
public final class SubmitCommand extends ConnectedCommand {

  @Parameters(
      paramLabel = "FILE.jsonl",
      description = "lines with custom_id, method, url, body (and optional team, metadata)")
  Path file;

  @Option(
      names = "--batch-id",
      description = "id for this batch (default: a new one); request ids are BATCH:custom_id")
  String batchId;

  @Option(names = "--team", description = "team for lines that name none")
  String team;

  @Override
  protected void execute(PrintWriter out) throws Exception {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("cannot read " + file);
    }
    String id =
        batchId != null
            ? batchId
            : "batch_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    List<BatchInput.Line> lines = BatchInput.read(file, id, team);
    PrintWriter err = err();
    Progress progress = new Progress(err, "submitting", lines.size());
    try (BatchSubmitter submitter =
        new BatchSubmitter(connection.kafkaClientConfig(), connection.topics().requestsJson())) {
      submitter.submit(lines, progress::update);
    }
    out.println(id);
    err.println(
        "submitted "
            + lines.size()
            + " requests as batch "
            + id
            + " to "
            + connection.topics().requestsJson()
            + "; read them back with: promptyard results --batch "
            + id);
  }
}

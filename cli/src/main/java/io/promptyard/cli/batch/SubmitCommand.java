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
      "  promptyard submit jobs.jsonl --team finance --team-topic",
      "  promptyard submit jobs.jsonl --bootstrap-server kafka:9092 --config ops.properties",
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

  @Option(
      names = "--team-topic",
      description = {
        "publish to the --team's own ingress topic (<prefix>team.<team>.requests.json), for a router",
        "reading team topics; a line naming another team is refused before anything is sent"
      })
  boolean teamTopic;

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
    String topic = teamTopic ? teamTopic(lines) : connection.topics().requestsJson();
    PrintWriter err = err();
    Progress progress = new Progress(err, "submitting", lines.size());
    try (BatchSubmitter submitter = new BatchSubmitter(connection.kafkaClientConfig(), topic)) {
      submitter.submit(lines, progress::update);
    }
    out.println(id);
    err.println(
        "submitted "
            + lines.size()
            + " requests as batch "
            + id
            + " to "
            + topic
            + "; read them back with: promptyard results --batch "
            + id);
  }

  /**
   * The team's own JSON ingress topic, once every line is the team's: the router would refuse a
   * line naming another.
   */
  private String teamTopic(List<BatchInput.Line> lines) {
    if (team == null) {
      throw new IllegalArgumentException("--team-topic needs --team: the team whose topic it is");
    }
    String topic = connection.topics().teamRequestsJson(team);
    for (BatchInput.Line line : lines) {
      String named = line.ingressBody().path("metadata").path("team").asText(team);
      if (!named.equals(team)) {
        throw new IllegalArgumentException(
            "line "
                + line.lineNumber()
                + " names team '"
                + named
                + "', but --team-topic publishes to "
                + topic
                + ", which carries only team "
                + team
                + "'s requests; nothing was sent");
      }
    }
    return topic;
  }
}

package io.promptyard.dev;

import io.promptyard.cli.PrintingCommand;
import io.promptyard.cli.Progress;
import io.promptyard.cli.Subcommand;
import io.promptyard.client.batch.BatchInput;
import io.promptyard.client.batch.BatchOutput;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DetectorVerdict;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.testkit.provider.SimulatorConfig;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code promptyard dev}: the whole stack in one JVM, running the example batch (or serving until
 * interrupted).
 */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description = {
      "Run broker, simulated provider, router, worker and usage aggregator in one JVM,",
      "submit a batch, write its results and print per-team usage and cost."
    },
    footer = {
      "",
      "Examples:",
      "  promptyard dev",
      "  promptyard dev --input my-batch.jsonl --out my-results.jsonl",
      "  PROMPTYARD_REDIS_URL=redis://127.0.0.1:6379 promptyard dev",
      "  promptyard dev --serve            # broker on localhost:9092 until Ctrl-C"
    })
public final class DevCommand extends PrintingCommand implements Subcommand {

  @Option(
      names = "--input",
      description = "OpenAI Batch input file (default ${DEFAULT-VALUE})",
      defaultValue = "examples/batch.jsonl")
  Path input;

  @Option(
      names = "--out",
      description = "results in OpenAI Batch output format (default ${DEFAULT-VALUE})",
      defaultValue = "promptyard-results.jsonl")
  Path out;

  @Option(
      names = "--redis-url",
      description =
          "Redis for cache and idempotency (env PROMPTYARD_REDIS_URL); in-memory when unset",
      defaultValue = "${env:PROMPTYARD_REDIS_URL}")
  String redisUrl;

  @Option(
      names = "--serve",
      description = "keep the stack running until interrupted instead of running a batch")
  boolean serve;

  @Option(
      names = "--kafka-port",
      description = "broker port with --serve (default ${DEFAULT-VALUE}); a free port otherwise",
      defaultValue = "9092")
  int kafkaPort;

  @Option(
      names = "--latency-ms",
      description = "simulated provider latency in milliseconds (default ${DEFAULT-VALUE})",
      defaultValue = "50")
  long latencyMs;

  @Option(
      names = "--timeout",
      description =
          "how long to wait for all results, or with --serve for the stack to be serving, in"
              + " seconds (default ${DEFAULT-VALUE})",
      defaultValue = "120")
  long timeoutSeconds;

  @Override
  protected int run(PrintWriter out) throws Exception {
    PrintWriter err = err();
    if (!serve && !Files.isReadable(input)) {
      throw new IllegalArgumentException(
          "cannot read the batch file "
              + input.toAbsolutePath()
              + (input.toString().equals("examples/batch.jsonl")
                  ? " (run from the repository root, or pass --input FILE)"
                  : ""));
    }
    List<BatchInput.Line> lines =
        serve ? List.of() : BatchInput.read(input, "dev-" + System.currentTimeMillis(), null);
    Optional<URI> redis = Optional.ofNullable(redisUrl).filter(s -> !s.isBlank()).map(URI::create);
    DevStack.Options options =
        DevStack.Options.defaults()
            .withKafkaPort(serve ? kafkaPort : 0)
            .withRedis(redis)
            .withEnvironment(System.getenv())
            .withSimulator(SimulatorConfig.answeringAfter(latencyMs));
    err.println("starting the embedded broker, router, worker and usage aggregator…");
    try (DevStack stack = DevStack.start(options)) {
      err.println(
          "broker: "
              + stack.bootstrapServers()
              + "; providers: "
              + stack.providers()
              + stack.simulator().map(s -> " (simulated at " + s.baseUrl() + ")").orElse(""));
      err.println("cache and idempotency: " + stack.cacheDescription());
      if (serve) {
        return serveUntilInterrupted(stack, err);
      }
      Progress submitted = new Progress(err, "submitted", lines.size());
      Progress completed = new Progress(err, "completed", lines.size());
      BatchRun.Report report =
          BatchRun.run(
              stack,
              lines,
              Duration.ofSeconds(timeoutSeconds),
              submitted::update,
              completed::update);
      writeResults(report);
      printSummary(out, report, lines.size());
      if (report.results().size() < lines.size()) {
        err.println(
            "error: only "
                + report.results().size()
                + " of "
                + lines.size()
                + " results arrived within "
                + timeoutSeconds
                + "s");
        return 1;
      }
      if (!report.totalsMatch()) {
        err.println(
            "error: the aggregator's totals do not match the results: " + report.fromAggregator());
        return 1;
      }
      return 0;
    }
  }

  private void writeResults(BatchRun.Report report) throws java.io.IOException {
    try (var writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      for (CompletionResult r : report.results().values()) {
        writer.write(BatchOutput.line(r).toString());
        writer.newLine();
      }
    }
  }

  /**
   * One line of what the guard did to the batch, e.g. {@code guard: email redact ×1, injection flag
   * ×1 (requests)}; nothing when it did nothing.
   */
  static Optional<String> guardSummary(Collection<CompletionResult> results) {
    Map<String, Integer> requests = new TreeMap<>();
    for (CompletionResult r : results) {
      for (DetectorVerdict v : r.getGuard()) {
        if (v.getCount() > 0) {
          requests.merge(v.getDetector() + " " + v.getAction(), 1, Integer::sum);
        }
      }
    }
    if (requests.isEmpty()) {
      return Optional.empty();
    }
    StringBuilder line = new StringBuilder("guard verdicts (requests): ");
    requests.forEach((k, n) -> line.append(k).append(" ×").append(n).append(", "));
    line.setLength(line.length() - 2);
    return Optional.of(line.toString());
  }

  private void printSummary(PrintWriter out, BatchRun.Report report, int submitted) {
    Map<ResultStatus, Integer> byStatus = new EnumMap<>(ResultStatus.class);
    report.results().values().forEach(r -> byStatus.merge(r.getStatus(), 1, Integer::sum));
    out.println();
    out.printf(
        "%d requests, %d results in %.1fs: %s%n",
        submitted, report.results().size(), report.elapsed().toMillis() / 1000.0, byStatus);
    guardSummary(report.results().values()).ifPresent(out::println);
    report.results().values().stream()
        .filter(r -> r.getStatus() != ResultStatus.SUCCEEDED)
        .limit(5)
        .forEach(
            r ->
                out.printf(
                    "  %s %s: %s%n",
                    r.getStatus(),
                    r.getCustomId(),
                    r.getError() == null ? "" : r.getError().getMessage()));
    out.println("results written to " + this.out.toAbsolutePath());
    out.println();
    out.println("Usage and cost per team (from the usage aggregator):");
    UsageTable.print(out, report.fromAggregator(), report.semanticHits(), report.savedMicros());
    String shadowed = shadowCallsNote(report);
    out.println(
        report.totalsMatch()
            ? "These totals equal the sums over the results file" + shadowed + "."
            : "WARNING: these totals differ from the results file's sums"
                + shadowed
                + ": "
                + TeamTotals.sum(report.fromResults(), report.fromShadowCalls()));
    out.flush();
  }

  /**
   * What the aggregator's totals hold beyond the results file, e.g. {@code plus 1 shadow call
   * verifying semantic cache hits (support ×1, $0.000045: billed to the team, carried by no
   * result)}; empty without shadow calls.
   */
  static String shadowCallsNote(BatchRun.Report report) {
    long calls = report.shadowCalls().values().stream().mapToLong(Long::longValue).sum();
    if (calls == 0) {
      return "";
    }
    StringBuilder note = new StringBuilder(" plus ").append(calls);
    note.append(calls == 1 ? " shadow call" : " shadow calls")
        .append(" verifying semantic cache hits (");
    report
        .shadowCalls()
        .forEach((team, n) -> note.append(team).append(" ×").append(n).append(", "));
    long cost = report.fromShadowCalls().values().stream().mapToLong(TeamTotals::costMicros).sum();
    return note.append(UsageTable.dollars(cost))
        .append(": billed to the team, carried by no result)")
        .toString();
  }

  private int serveUntilInterrupted(DevStack stack, PrintWriter err) throws InterruptedException {
    err.println("waiting until the router and the worker's consumers have their partitions…");
    err.flush();
    stack.awaitServing(Duration.ofSeconds(timeoutSeconds));
    err.println(
        "serving: publish JSON requests to "
            + stack.topics().requestsJson()
            + " and read "
            + stack.topics().results()
            + " at "
            + stack.bootstrapServers()
            + "; Ctrl-C stops");
    err.println("usage dashboard and API: http://localhost:" + stack.usage().httpPort() + "/");
    err.flush();
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
    var failed = stack.whenFailed();
    failed.thenRun(stop::countDown);
    stop.await();
    if (failed.isDone()) {
      err.println("error: " + failed.join().getMessage());
      return 1;
    }
    return 0;
  }
}

package io.promptyard.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.client.batch.BatchInput;
import io.promptyard.client.batch.ResultCollector;
import io.promptyard.dev.BatchRun;
import io.promptyard.dev.DevStack;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.testkit.kafka.TopicContents;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dead-letter replay through the whole stack: jobs sent with a revoked key end as AUTHENTICATION
 * dead letters; {@code promptyard dlq replay} sends them back through the router, pinned to a
 * provider whose key works, and each request id then has one answer for a result consumer, the
 * newest, SUCCEEDED. A replay is validated and budget-gated by the router like any request.
 */
class DeadLetterReplayEndToEndIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "sk-replay-" + UUID.randomUUID();
  private static final int JOBS = 20;
  private static DevStack stack;
  private static Path catalogFile;

  @BeforeAll
  static void startStack(@TempDir Path dir) throws Exception {
    catalogFile = ReplayCatalog.write(dir);
    stack = DevStack.start(ReplayCatalog.options(catalogFile, KEY));
  }

  @AfterAll
  static void stopStack() {
    stack.close();
  }

  @Test
  void replayedDeadLettersCompleteAndEachIdHasOneNewestResult() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String team = "replay-" + run;
    String batch = "batch-" + run;
    List<BatchInput.Line> lines = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      lines.add(
          line(
              batch,
              "q" + i,
              team,
              "replaystale/sim-mini",
              "Question " + i + " sent with a revoked key"));
    }
    BatchRun.Report failed = BatchRun.run(stack, lines, Duration.ofMinutes(2), n -> {}, n -> {});
    assertThat(failed.results().values())
        .hasSize(JOBS)
        .allSatisfy(r -> assertThat(r.getError().getCode()).isEqualTo(ErrorCode.AUTHENTICATION));
    await().atMost(Duration.ofSeconds(30)).until(() -> deadLettersOf(team).size() == JOBS);

    CliRun dryRun =
        cli(
            "dlq",
            "replay",
            "--team",
            team,
            "--code",
            "AUTHENTICATION",
            "--to-provider",
            "replaygood",
            "--dry-run",
            "--catalog",
            catalogFile.toString());
    assertThat(dryRun.exit()).as(dryRun.err()).isZero();
    assertThat(dryRun.out()).contains("dry run: " + JOBS + " dead letter(s) would be replayed");

    CliRun replay =
        cli(
            "dlq",
            "replay",
            "--team",
            team,
            "--code",
            "AUTHENTICATION",
            "--to-provider",
            "replaygood",
            "--set",
            "max_tokens=16",
            "--catalog",
            catalogFile.toString());

    assertThat(replay.exit()).as(replay.err()).isZero();
    assertThat(replay.out()).contains(JOBS + " dead letter(s) replayed");
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () ->
                assertThat(newestResults(team).values())
                    .hasSize(JOBS)
                    .allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(ResultStatus.SUCCEEDED)));
    assertThat(newestResults(team).keySet())
        .as("the original request ids")
        .containsExactlyInAnyOrderElementsOf(
            lines.stream().map(BatchInput.Line::requestId).toList());
    assertThat(newestResults(team).values())
        .allSatisfy(
            r -> {
              assertThat(r.getProvider()).isEqualTo("replaygood");
              assertThat(r.getUsage().getOutputTokens()).isLessThanOrEqualTo(16);
              assertThat(r.getAttempts())
                  .as("numbered after the first run's attempts, so its usage event id is new")
                  .isGreaterThan(1);
            });

    CliRun results = cli("results", "--batch", batch);
    assertThat(results.exit()).as(results.err()).isZero();
    List<JsonNode> outputLines =
        results.out().lines().map(DeadLetterReplayEndToEndIT::json).toList();
    assertThat(outputLines)
        .as("one line per request, though each has a FAILED and a SUCCEEDED result")
        .hasSize(JOBS);
    assertThat(outputLines).extracting(l -> l.path("custom_id").asText()).doesNotHaveDuplicates();
    assertThat(outputLines)
        .allSatisfy(l -> assertThat(l.path("response").path("status_code").asInt()).isEqualTo(200));
  }

  @Test
  void aWorkersDeadLetterReplayedEndsInExactlyOneNewResultThroughTheRouter() throws Exception {
    // A job that gave up at replaygood (say the provider was overloaded for longer than its
    // attempts lasted).
    String id = "orig-" + UUID.randomUUID().toString().substring(0, 8);
    publishWorkerDeadLetter(id, "replay-orig");

    CliRun replay = cli("dlq", "replay", "--id", id);

    assertThat(replay.exit()).as(replay.err()).isZero();
    assertThat(replay.out()).contains("through the router via " + stack.topics().replays());
    assertThat(onlyResultOf(id).getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
  }

  @Test
  void aReplayOfATeamOverItsBudgetIsRejectedByTheRouterAndReachesNoProvider() throws Exception {
    String team = "replay-broke-" + UUID.randomUUID().toString().substring(0, 8);
    CliRun budget = cli("budget", "set", team, "--monthly", "0");
    assertThat(budget.exit()).as(budget.err()).isZero();
    awaitRouterRefusesNewRequestsOf(team);
    String id = "broke-" + UUID.randomUUID().toString().substring(0, 8);
    publishWorkerDeadLetter(id, team);

    CliRun replay = cli("dlq", "replay", "--id", id);

    assertThat(replay.exit()).as(replay.err()).isZero();
    CompletionResult result = onlyResultOf(id);
    assertThat(result.getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.OVER_BUDGET);
  }

  /**
   * Sends fresh requests of {@code team} until the router refuses one as over budget: from then on
   * its global budget store holds the team's limit.
   */
  private static void awaitRouterRefusesNewRequestsOf(String team) {
    List<String> probes = new ArrayList<>();
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              String probe = "probe-" + UUID.randomUUID().toString().substring(0, 8);
              probes.add(probe);
              BatchInput.Line line = line("probes", probe, team, "replaygood/sim-mini", "Probe");
              try (KafkaProducer<String, String> producer =
                  new KafkaProducer<>(
                      Map.of("bootstrap.servers", stack.bootstrapServers()),
                      new StringSerializer(),
                      new StringSerializer())) {
                producer
                    .send(
                        new ProducerRecord<>(
                            stack.topics().requestsJson(),
                            line.requestId(),
                            line.ingressBody().toString()))
                    .get();
              }
              return newestResults(team).values().stream()
                  .anyMatch(
                      r -> r.getError() != null && r.getError().getCode() == ErrorCode.OVER_BUDGET);
            });
  }

  /**
   * Writes the dead letter a worker writes for a job of {@code team} that gave up at replaygood.
   */
  private static void publishWorkerDeadLetter(String id, String team) throws Exception {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId(id)
            .setTeam(team)
            .setModel("replaygood/sim-mini")
            .setMessages(
                List.of(
                    Message.newBuilder()
                        .setRole(Role.USER)
                        .setText("Were you overloaded?")
                        .build()))
            .build();
    RoutedRequest job =
        RoutedRequest.newBuilder()
            .setRequest(request)
            .setDecision(
                RoutingDecision.newBuilder()
                    .setProvider("replaygood")
                    .setModel("sim-mini")
                    .setRoutedAt(Instant.now())
                    .build())
            .build();
    DeadLetter letter =
        TerminalResults.deadLetter(
                stack.topics().route("replaygood"),
                0,
                0,
                null,
                AvroSerde.of(RoutedRequest.class).encode(job),
                null,
                ErrorCode.OVERLOADED,
                "503 on every attempt")
            .setRequestId(id)
            .setTeam(team)
            .setProvider("replaygood")
            .build();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", stack.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  stack.topics().deadLetters(), id, AvroSerde.of(DeadLetter.class).encode(letter)))
          .get();
    }
  }

  /** The result of the request id, once the results topic holds one, and only one, for it. */
  private static CompletionResult onlyResultOf(String id) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                TopicContents.readAll(stack.bootstrapServers(), stack.topics().results()).stream()
                    .map(r -> AvroSerde.of(CompletionResult.class).decode(r.value()))
                    .filter(r -> id.equals(r.getId()))
                    .toList(),
            results -> results.size() == 1)
        .getFirst();
  }

  private static List<String> deadLettersOf(String team) {
    CliRun list = cli("dlq", "list", "--team", team);
    return list.out().lines().skip(1).toList();
  }

  private static Map<String, CompletionResult> newestResults(String team) {
    try (ResultCollector collector =
        new ResultCollector(stack.bootstrapServers(), stack.topics().results())) {
      return collector.collectToEnd(r -> team.equals(r.getTeam()));
    }
  }

  private static CliRun cli(String... args) {
    return CliRun.run(stack.bootstrapServers(), args);
  }

  private static BatchInput.Line line(
      String batch, String customId, String team, String model, String question) {
    String id = batch + ":" + customId;
    ObjectNode body = JSON.createObjectNode().put("model", model).put("max_tokens", 64);
    body.putArray("messages").addObject().put("role", "user").put("content", question);
    body.putObject("metadata")
        .put("team", team)
        .put("request_id", id)
        .put("custom_id", customId)
        .put("batch_id", batch);
    return new BatchInput.Line(0, id, customId, body);
  }

  private static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }
}

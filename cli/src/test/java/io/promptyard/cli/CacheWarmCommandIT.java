package io.promptyard.cli;

import static io.promptyard.testkit.local.LocalService.REDIS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Output;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.SemanticCacheEntry;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.ingress.JsonIngress;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.semanticcache.LazyEmbedder;
import io.promptyard.testkit.local.Needs;
import io.promptyard.worker.cache.CacheInvalidation;
import io.promptyard.worker.cache.CacheKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.JedisPooled;

/**
 * {@code promptyard cache warm} against the local Redis, its topics recorded ({@link
 * RecordedKafka}): known answers go to the exact cache for the workers' TTL and, in semantic mode,
 * onto the semantic cache topic; a bad line is reported with its number and the others are warmed.
 */
@Needs(REDIS)
class CacheWarmCommandIT {

  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final Topics TOPICS = Topics.defaults();

  private final String team = "warm-" + UUID.randomUUID();
  private final RecordedKafka kafka =
      new RecordedKafka()
          .topic(TOPICS.semanticCache(), 1, Map.of("cleanup.policy", "compact"))
          .topic(TOPICS.audit(), 1, Map.of())
          .topic(TOPICS.results(), 1, Map.of())
          .topic(TOPICS.route("sim"), 1, Map.of())
          .topic(TOPICS.route("sim") + ".retry", 1, Map.of());
  private final JedisPooled redis = new JedisPooled("127.0.0.1", 6379);
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @AfterEach
  void cleanUp() {
    CacheInvalidation.invalidate(redis, CacheKey.teamPattern(team));
    redis.close();
  }

  @Test
  void warmFillsBothCachesReportsBadLinesByNumberAndSkipsWhatAWorkerWouldNotCache(@TempDir Path dir)
      throws Exception {
    String exact = request("What is the capital of France?", "");
    String semantic =
        request("How do I reverse a list in Python?", ", \"cache\": {\"mode\": \"semantic\"}");
    String bypass = request("What time is it?", ", \"cache\": {\"mode\": \"bypass\"}");
    Path file = dir.resolve("known.jsonl");
    Files.write(
        file,
        List.of(
            line(exact, "sim/sim-mini"),
            line(semantic, "sim/sim-mini"),
            "{\"request\": oops",
            "",
            line(bypass, "sim/sim-mini"),
            line(exact, "sim/no-such-model")),
        StandardCharsets.UTF_8);

    int exit =
        run(
            "cache",
            "warm",
            file.toString(),
            "--redis-url",
            "redis://127.0.0.1:6379",
            "--output",
            "json");

    assertThat(exit).as("bad lines fail the command once the rest is done").isNotZero();
    assertThat(err.toString())
        .contains("line 3: not JSON")
        .contains("line 6: model sim/no-such-model is not in the catalog")
        .contains("2 of 6 lines could not be warmed");
    JsonNode summary = new ObjectMapper().readTree(out.toString());
    assertThat(summary.path("warmed_exact").asLong()).isEqualTo(2);
    assertThat(summary.path("warmed_semantic").asLong()).isEqualTo(1);
    assertThat(summary.path("skipped").path("cache mode bypass: never stored").asLong())
        .isEqualTo(1);
    assertThat(summary.path("errors").findValuesAsText("line")).containsExactly("3", "6");
    // the exact entry, under the worker's key, for the workers' default TTL (86,400 s)
    String key =
        CacheKey.of(
                JsonIngress.parse(exact.getBytes(StandardCharsets.UTF_8), "x"), "sim", "sim-mini")
            .redisKey();
    assertThat(redis.pttl(key)).isBetween(86_000_000L, 86_400_000L);
    List<ProducerRecord<String, byte[]>> onTopic =
        kafka.sent().stream().filter(r -> r.topic().equals(TOPICS.semanticCache())).toList();
    assertThat(onTopic).hasSize(1);
    SemanticCacheEntry entry =
        AvroSerde.of(SemanticCacheEntry.class).decode(onTopic.getFirst().value());
    assertThat(entry.getTeam()).isEqualTo(team);
    assertThat(entry.getPrompt()).isEqualTo("How do I reverse a list in Python?");
    assertThat(entry.getEmbedder()).isEqualTo(LazyEmbedder.miniLm().describe());
    assertThat(entry.getExpiresAt()).isEqualTo(NOW.plusSeconds(86_400));
    assertThat(kafka.sent()).anyMatch(r -> r.topic().equals(TOPICS.audit()));

    out.getBuffer().setLength(0);
    run("cache", "warm", file.toString(), "--redis-url", "redis://127.0.0.1:6379");

    assertThat(out.toString())
        .contains(
            "warmed 2 exact cache entr(ies) in 127.0.0.1:6379 and 1 semantic cache entr(ies) on "
                + TOPICS.semanticCache()
                + " from file "
                + file)
        .contains("skipped 1: cache mode bypass: never stored")
        .contains("2 could not be warmed, as said above");
  }

  @Test
  void warmFromBatchPairsEachPaidResultWithTheRequestAsTheWorkerKeyedIt() throws Exception {
    // As the router routed it: the guard redacted the e-mail address the producer sent.
    CompletionRequest paid = avroRequest("b1:q1", "Write to [EMAIL] about the invoice.");
    route(paid, "sim-large"); // its first model failed; the fallback answered
    route(paid, "sim-mini");
    result(paid, "sim-mini", false, ResultStatus.SUCCEEDED);
    CompletionRequest hit = avroRequest("b1:q2", "Write to [EMAIL] about the invoice.");
    route(hit, "sim-mini");
    result(hit, "sim-mini", true, ResultStatus.SUCCEEDED);
    CompletionRequest gone = avroRequest("b1:q3", "Is the invoice paid?");
    result(gone, "sim-mini", false, ResultStatus.SUCCEEDED);
    result(avroRequest("other:q1", "Another batch."), "sim-mini", false, ResultStatus.SUCCEEDED);

    int exit = run("cache", "warm", "--from-batch", "b1", "--output", "json");

    assertThat(exit).as(err.toString()).isZero();
    JsonNode summary = new ObjectMapper().readTree(out.toString());
    assertThat(summary.path("batch").asText()).isEqualTo("b1");
    assertThat(summary.path("results").asInt()).isEqualTo(3);
    assertThat(summary.path("warmed_exact").asLong()).isEqualTo(1);
    assertThat(
            summary
                .path("skipped")
                .path("answered from the cache: a job stores only the answers it paid for")
                .asLong())
        .isEqualTo(1);
    assertThat(
            summary
                .path("skipped")
                .path("its routed request is no longer on the route topics (retention)")
                .asLong())
        .isEqualTo(1);
    byte[] cached =
        redis.get(CacheKey.of(paid, "sim", "sim-mini").redisKey().getBytes(StandardCharsets.UTF_8));
    CompletionResult entry = AvroSerde.of(CompletionResult.class).decode(cached);
    assertThat(entry.getId()).isEqualTo("b1:q1");
    assertThat(entry.getOutput().getText()).isEqualTo("Answer to b1:q1");
  }

  private CompletionRequest avroRequest(String id, String question) {
    return CompletionRequest.newBuilder()
        .setId(id)
        .setTeam(team)
        .setModel("cheap")
        .setBatchId(id.substring(0, id.indexOf(':')))
        .setMessages(List.of(Message.newBuilder().setRole(Role.USER).setText(question).build()))
        .setSubmittedAt(NOW)
        .build();
  }

  private void route(CompletionRequest request, String model) {
    RoutedRequest job =
        new RoutedRequest(
            request,
            RoutingDecision.newBuilder()
                .setProvider("sim")
                .setModel(model)
                .setRoutedAt(NOW)
                .build(),
            List.of());
    kafka.record(
        TOPICS.route("sim"), request.getId(), AvroSerde.of(RoutedRequest.class).encode(job));
  }

  private void result(
      CompletionRequest request, String model, boolean cached, ResultStatus status) {
    CompletionResult result =
        CompletionResult.newBuilder()
            .setId(request.getId())
            .setTeam(team)
            .setStatus(status)
            .setProvider("sim")
            .setModel(model)
            .setOutput(new Output("Answer to " + request.getId(), List.of(), "stop", null))
            .setUsage(new TokenUsage(10L, 4L, 0L, 0L))
            .setCached(cached)
            .setBatchId(request.getBatchId())
            .setCompletedAt(NOW)
            .build();
    kafka.record(
        TOPICS.results(), request.getId(), AvroSerde.of(CompletionResult.class).encode(result));
  }

  private String request(String question, String cache) {
    return "{\"model\": \"cheap\", \"messages\": [{\"role\": \"user\", \"content\": \""
        + question
        + "\"}], \"metadata\": {\"team\": \""
        + team
        + "\""
        + cache
        + "}}";
  }

  private static String line(String request, String model) {
    return "{\"request\": "
        + request
        + ", \"answer\": {\"content\": \"An answer.\", \"model\": \""
        + model
        + "\", \"usage\": {\"prompt_tokens\": 10, \"completion_tokens\": 4}}}";
  }

  private int run(String... args) {
    CommandLine cli =
        Main.commandLine(Map.of("HOME", "/nonexistent"), Clock.fixed(NOW, ZoneOffset.UTC), kafka);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }
}

package io.promptyard.cli;

import static io.promptyard.testkit.local.LocalService.REDIS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.schemas.SemanticCacheEntry;
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
          .topic(TOPICS.audit(), 1, Map.of());
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
        .contains("2 of 6 line(s)");
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

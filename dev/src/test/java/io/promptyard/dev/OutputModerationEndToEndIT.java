package io.promptyard.dev;

import static io.promptyard.testkit.local.LocalService.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.client.batch.BatchInput;
import io.promptyard.dev.SecretsAuditIT.ScanningAppender;
import io.promptyard.dev.SecretsAuditIT.SecretScanner;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DetectorVerdict;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.testkit.kafka.TopicContents;
import io.promptyard.testkit.local.Needs;
import io.promptyard.testkit.provider.SimulatorConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;

/**
 * Output moderation end to end through the dev stack (simulator, its moderation endpoint, Redis):
 * under a default policy that lets email addresses into prompts ({@code flag}) and withholds
 * answers with findings ({@code output_moderation: block}), an answer that quotes an email address
 * and one that quotes the simulator's moderation marker are withheld naming their detector, a calm
 * answer is published; the withheld answers' email address reaches no topic the worker writes, no
 * Redis key or value, and no log line.
 */
@Needs(REDIS)
class OutputModerationEndToEndIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final URI REDIS =
      URI.create(System.getenv().getOrDefault("PROMPTYARD_REDIS_URL", "redis://127.0.0.1:6379"));

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String email = "jane.doe." + run + "@example.com";

  @Test
  void answersWithFindingsAreWithheldAndTheirValuesReachNoResultCacheOrLog(@TempDir Path dir)
      throws Exception {
    Path policy = dir.resolve("guard.json");
    Files.writeString(
        policy, "{\"detectors\": {\"email\": \"flag\"}, \"output_moderation\": \"block\"}");
    SecretScanner scanner = new SecretScanner(List.of(email));
    DevStack.Options options =
        DevStack.Options.defaults()
            .withRedis(Optional.of(REDIS))
            .withEnvironment(Map.of("PROMPTYARD_GUARD_POLICY", policy.toString()));
    try (JedisPooled redis = new JedisPooled(REDIS)) {
      ScanningAppender logs;
      try (DevStack stack = DevStack.start(options)) {
        // Attached once the stack runs: the router's start-up line prints the policy, not a value.
        logs = ScanningAppender.attach(scanner);
        List<BatchInput.Line> lines =
            List.of(
                line("email", "Reach " + email + " today"),
                line("unsafe", "Say " + SimulatorConfig.DEFAULT_MODERATION_MARKER + " please"),
                line("calm", "What is a Kafka share group?"));

        BatchRun.Report report =
            BatchRun.run(stack, lines, Duration.ofMinutes(3), n -> {}, n -> {});

        Map<String, CompletionResult> results = report.results();
        assertThat(results).hasSize(lines.size());
        CompletionResult pii = results.get(id("email"));
        assertThat(pii.getStatus()).isEqualTo(ResultStatus.FAILED);
        assertThat(pii.getError().getCode()).isEqualTo(ErrorCode.CONTENT_POLICY);
        assertThat(pii.getError().getMessage()).contains("output_pii found EMAIL");
        assertThat(pii.getOutput()).isNull();
        assertThat(verdicts(pii))
            .containsExactly(tuple("email", "flag"), tuple("output_pii", "block"));
        CompletionResult unsafe = results.get(id("unsafe"));
        assertThat(unsafe.getStatus()).isEqualTo(ResultStatus.FAILED);
        assertThat(unsafe.getError().getMessage()).contains("output_moderation flagged violence");
        assertThat(verdicts(unsafe)).containsExactly(tuple("output_moderation", "block"));
        CompletionResult calm = results.get(id("calm"));
        assertThat(calm.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
        assertThat(calm.getGuard()).isEmpty();

        // The request itself carries the flagged address on its ingress and route topics; nothing
        // the worker writes after the answer holds it.
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (var admin = stack.kafka().admin()) {
          for (String topic : admin.listTopics().names().get()) {
            if (!topic.startsWith("__")
                && !topic.equals(stack.topics().requests())
                && !topic.equals(stack.topics().requestsJson())
                && !topic.startsWith(stack.topics().route("sim"))) {
              records.addAll(TopicContents.readAll(stack.bootstrapServers(), topic));
            }
          }
        }
        assertThat(records)
            .extracting(ConsumerRecord::topic)
            .contains(stack.topics().results(), stack.topics().usage());
        records.forEach(scanner::check);
      }
      try {
        SecretsAuditIT.scanRedis(redis, scanner, name -> name.contains(run));
        assertThat(logs.events()).as("log events captured").isPositive();
      } finally {
        logs.detach();
      }
    }
    assertThat(scanner.leaks()).as("places where the withheld value appeared").isEmpty();
  }

  private String id(String name) {
    return run + "-" + name;
  }

  private BatchInput.Line line(String name, String question) {
    String id = id(name);
    ObjectNode body = JSON.createObjectNode().put("model", "cheap").put("max_tokens", 40);
    body.putArray("messages").addObject().put("role", "user").put("content", question);
    body.putObject("metadata")
        .put("team", "moderation-" + run)
        .put("request_id", id)
        .put("custom_id", id);
    return new BatchInput.Line(0, id, id, body);
  }

  private static List<org.assertj.core.groups.Tuple> verdicts(CompletionResult r) {
    assertThat(r.getGuard()).as("guard verdicts of %s", r.getId()).isNotNull();
    return r.getGuard().stream()
        .map((DetectorVerdict v) -> tuple(v.getDetector(), v.getAction()))
        .toList();
  }
}

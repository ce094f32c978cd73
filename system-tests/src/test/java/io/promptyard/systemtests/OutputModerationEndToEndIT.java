package io.promptyard.systemtests;

import static io.promptyard.testkit.local.LocalService.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.promptyard.client.batch.BatchInput;
import io.promptyard.dev.BatchRun;
import io.promptyard.dev.DevStack;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.systemtests.SecretsAuditIT.ScanningAppender;
import io.promptyard.systemtests.SecretsAuditIT.SecretScanner;
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
        assertThat(GuardrailsEndToEndIT.verdicts(pii))
            .containsExactly(tuple("email", "flag", 1), tuple("output_pii", "block", 1));
        CompletionResult unsafe = results.get(id("unsafe"));
        assertThat(unsafe.getStatus()).isEqualTo(ResultStatus.FAILED);
        assertThat(unsafe.getError().getMessage()).contains("output_moderation flagged violence");
        assertThat(GuardrailsEndToEndIT.verdicts(unsafe))
            .containsExactly(tuple("output_moderation", "block", 1));
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
    return GuardrailsEndToEndIT.line("moderation-" + run, id(name), question);
  }
}

package io.promptyard.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.testkit.local.LocalService;
import io.promptyard.testkit.local.Needs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Node.js example ({@code examples/node-results-consumer}), run as a user would run it: its
 * package installed from the npm registry ({@code npm ci}), then {@code node
 * json-results-consumer.js} against the aggregator's JSON results mirror, with nothing of
 * Promptyard's but the topic.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Needs(LocalService.NODE)
class NodeResultsConsumerIT {

  private static final Path EXAMPLE = Path.of("..", "examples", "node-results-consumer");

  @Test
  void theNodeExampleReadsAResultFromTheJsonMirror(EmbeddedKafka kafka, @TempDir Path dir)
      throws Exception {
    Topics topics = new Topics("node-" + System.nanoTime() + ".");
    var common = UsageFixture.common(kafka, topics, 3);
    CompletionResult result = JsonMirrorsTest.succeeded("req-node-1");
    // the aggregator's clock at the result's time: what it mirrors does not depend on today
    Clock atResult = Clock.fixed(result.getCompletedAt(), ZoneOffset.UTC);
    try (UsageAggregatorApp app =
            UsageAggregatorApp.start(
                AggregatorConfig.embedded(
                        common, "node-example", Files.createTempDirectory("usage"))
                    .withJsonMirrors(true),
                atResult);
        KafkaProducer<String, byte[]> producer = UsageFixture.producer(kafka)) {
      producer
          .send(
              new ProducerRecord<>(
                  topics.results(),
                  null,
                  result.getCompletedAt().toEpochMilli(),
                  result.getId(),
                  AvroSerde.of(CompletionResult.class).encode(topics.results(), result)))
          .get();

      for (String file : List.of("package.json", "package-lock.json", "json-results-consumer.js")) {
        Files.copy(EXAMPLE.resolve(file), dir.resolve(file));
      }
      run(dir, 300, "npm", "ci", "--no-audit", "--no-fund");
      String printed =
          run(
              dir,
              120,
              "node",
              "json-results-consumer.js",
              kafka.bootstrapServers(),
              "--topic-prefix",
              topics.prefix(),
              "--count",
              "1");

      assertThat(printed.strip()).isEqualTo("row-1 200 42 µ$ Kafka is a log.");
    }
  }

  /** Runs {@code command} in {@code dir}; its standard output, or a failure with its output. */
  private static String run(Path dir, int timeoutSeconds, String... command)
      throws IOException, InterruptedException {
    Path out = dir.resolve("out-" + command[0] + ".txt");
    Path err = dir.resolve("err-" + command[0] + ".txt");
    Process process =
        new ProcessBuilder(new ArrayList<>(List.of(command)))
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    boolean ended = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!ended) {
      process.destroyForcibly();
    }
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(ended && process.exitValue() == 0)
        .as(
            "%s ended with %s within %d s; stdout:%n%s%nstderr:%n%s",
            String.join(" ", command),
            ended ? "exit " + process.exitValue() : "no exit",
            timeoutSeconds,
            stdout,
            Files.readString(err, StandardCharsets.UTF_8))
        .isTrue();
    return stdout;
  }
}

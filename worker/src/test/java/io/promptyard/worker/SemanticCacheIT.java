package io.promptyard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.providers.ChatProviders;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.testkit.kafka.SemanticCacheQuestions;
import io.promptyard.testkit.provider.SimulatedProvider;
import io.promptyard.testkit.provider.SimulatorConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Semantic requests on the embedded broker, answered by the simulator, with the in-memory exact
 * cache (so that nothing survives a restart but the semantic-cache topic): a reworded question is
 * answered from the cache, still after the worker is restarted, and a question that differs by a
 * number is answered by the provider.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SemanticCacheIT {

  private static final Duration WAIT = Duration.ofSeconds(90);

  private final AvroSerde<CompletionResult> results = AvroSerde.of(CompletionResult.class);

  @Test
  void aRewordedQuestionHitsBeforeAndAfterARestartAndANearMissGoesToTheProvider(EmbeddedKafka kafka)
      throws Exception {
    Topics topics = new Topics("semantic" + UUID.randomUUID().toString().substring(0, 8) + ".");
    try (SimulatedProvider sim = SimulatedProvider.start(SimulatorConfig.defaults());
        RecordCollector collector =
            new RecordCollector(kafka.bootstrapServers(), List.of(topics.results()));
        SemanticCacheQuestions questions =
            new SemanticCacheQuestions(kafka.bootstrapServers(), topics, "semantic")) {
      WorkerConfig config = SimWorkers.config(kafka, topics, sim);
      CompletionResult paris;
      try (WorkerApp worker =
          WorkerApp.start(config, spec -> ChatProviders.create(spec, Map.of()))) {
        questions.send("paris", "What is the capital of France?");
        questions.send("five-km", "Convert 5 km to miles.");
        paris = awaitResult(collector, topics, "paris");
        awaitResult(collector, topics, "five-km");

        questions.send("paris-reworded", "Which city is the capital of France?");
        CompletionResult reworded = awaitResult(collector, topics, "paris-reworded");

        assertThat(paris.getCached()).isFalse();
        assertThat(reworded.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
        assertThat(reworded.getCached()).isTrue();
        assertThat(reworded.getCacheMatch()).isEqualTo("semantic");
        assertThat(reworded.getReusedRequestId()).isEqualTo("paris");
        assertThat(reworded.getSimilarity()).isGreaterThanOrEqualTo(0.85);
        assertThat(reworded.getOutput()).isEqualTo(paris.getOutput());
        assertThat(reworded.getCostMicros()).isZero();
      }
      long servedBeforeRestart = sim.requestsServed();

      try (WorkerApp restarted =
          WorkerApp.start(config, spec -> ChatProviders.create(spec, Map.of()))) {
        questions.send("paris-after-restart", "What city is the capital of France?");
        questions.send("eight-km", "Convert 8 km to miles.");
        CompletionResult afterRestart = awaitResult(collector, topics, "paris-after-restart");
        CompletionResult nearMiss = awaitResult(collector, topics, "eight-km");

        assertThat(afterRestart.getCacheMatch()).isEqualTo("semantic");
        assertThat(afterRestart.getReusedRequestId()).isEqualTo("paris");
        assertThat(afterRestart.getOutput()).isEqualTo(paris.getOutput());
        assertThat(nearMiss.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
        assertThat(nearMiss.getCached()).isFalse();
        assertThat(nearMiss.getCacheMatch()).isNull();
        assertThat(sim.requestsServed()).isEqualTo(servedBeforeRestart + 1);
      }
    }
  }

  private CompletionResult awaitResult(RecordCollector collector, Topics topics, String id) {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                collector.records(topics.results()).stream()
                    .filter(r -> r.key().equals(id))
                    .map(r -> results.decode(r.value()))
                    .findFirst(),
            java.util.Optional::isPresent)
        .orElseThrow();
  }
}

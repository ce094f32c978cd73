package io.promptyard.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.providers.ChatProviders;
import io.promptyard.schemas.Alert;
import io.promptyard.schemas.AlertKind;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.SemanticPause;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.testkit.kafka.SemanticCacheQuestions;
import io.promptyard.testkit.kafka.TopicContents;
import io.promptyard.testkit.provider.SimulatedProvider;
import io.promptyard.testkit.provider.SimulatorConfig;
import io.promptyard.usage.AggregatorConfig;
import io.promptyard.usage.UsageAggregatorApp;
import io.promptyard.usage.shadow.FalseHitPolicy;
import io.promptyard.worker.WorkerApp;
import io.promptyard.worker.WorkerConfig;
import io.promptyard.worker.cache.ShadowSettings;
import io.promptyard.worker.job.Backoff;
import io.promptyard.worker.job.JobPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Shadow verification on the embedded broker, worker and usage aggregator, the simulator as the
 * provider, requests published to the route topic as the semantic cache's own IT publishes them
 * ({@link SemanticCacheQuestions}): every semantic hit of the team is shadowed; the simulator
 * answers a rewording with other words than its original (its answers echo the prompt and add
 * sentences drawn from the request), so the shadow call disagrees with the cached answer; the
 * aggregator then pauses the team's semantic mode with a FALSE_HITS alert, and the worker answers
 * the team's next rewording from the provider, saying why.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ShadowVerificationEndToEndIT {

  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String TEAM = "shadowed";

  private final AvroSerde<CompletionResult> results = AvroSerde.of(CompletionResult.class);
  private final AtomicInteger rewordings = new AtomicInteger();

  @Test
  void aTeamWhoseShadowedHitDisagreesIsPausedWithAnAlertAndItsNextRewordingGoesToTheProvider(
      EmbeddedKafka kafka) throws Exception {
    Topics topics = new Topics("shadow" + UUID.randomUUID().toString().substring(0, 8) + ".");
    CommonConfig common =
        new CommonConfig(kafka.bootstrapServers(), topics, new TopicProvisioner(2, (short) 1));
    // one disagreement in one sample is over the 5% limit
    AggregatorConfig aggregator =
        AggregatorConfig.embedded(common, topics.prefix() + "usage", null)
            .withFalseHits(new FalseHitPolicy(0.05, Map.of(), 1, 10));
    try (SimulatedProvider sim = SimulatedProvider.start(SimulatorConfig.defaults());
        UsageAggregatorApp usage = UsageAggregatorApp.start(aggregator, Clock.systemUTC());
        WorkerApp worker =
            WorkerApp.start(
                workerConfig(common, sim), spec -> ChatProviders.create(spec, Map.of()));
        SemanticCacheQuestions questions =
            new SemanticCacheQuestions(kafka.bootstrapServers(), topics, TEAM)) {
      questions.send("paris", "What is the capital of France?");
      CompletionResult paris = awaitResult(kafka, topics, "paris");
      questions.send("paris-reworded", "Which city is the capital of France?");
      CompletionResult reworded = awaitResult(kafka, topics, "paris-reworded");

      // answered from the cache at once, the shadow call made besides
      assertThat(reworded.getCacheMatch()).isEqualTo("semantic");
      assertThat(reworded.getOutput()).isEqualTo(paris.getOutput());
      UsageEvent shadow =
          await()
              .atMost(WAIT)
              .until(() -> shadowEvent(kafka, topics, "paris-reworded"), Optional::isPresent)
              .orElseThrow();
      assertThat(shadow.getAnswersAgree()).isFalse();
      assertThat(shadow.getCostMicros()).isPositive();
      assertThat(sim.requestsServed()).isEqualTo(2);

      Alert alert =
          await()
              .atMost(WAIT)
              .until(
                  () ->
                      TopicContents.readAllWithStringKeys(kafka.bootstrapServers(), topics.alerts())
                          .stream()
                          .map(r -> AvroSerde.of(Alert.class).decode(r.value()))
                          .filter(a -> a.getKind() == AlertKind.FALSE_HITS)
                          .findFirst(),
                  Optional::isPresent)
              .orElseThrow();
      assertThat(alert.getTeam()).isEqualTo(TEAM);
      assertThat(alert.getFalseHitRate()).isEqualTo(1.0);
      SemanticPause pause =
          TopicContents.readAllWithStringKeys(kafka.bootstrapServers(), topics.semanticPauses())
              .stream()
              .map(r -> AvroSerde.of(SemanticPause.class).decode(r.value()))
              .findFirst()
              .orElseThrow();
      assertThat(pause.getPaused()).isTrue();

      // The worker reads the pause within a poll: a rewording sent once it has is answered by the
      // provider, and says why the cache did not answer it.
      CompletionResult paused =
          await()
              .atMost(WAIT)
              .until(
                  () -> {
                    String id = "paris-again-" + rewordings.incrementAndGet();
                    questions.send(id, "What city is the capital of France?");
                    return awaitResult(kafka, topics, id);
                  },
                  r -> r.getCacheNote() != null);
      assertThat(paused.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
      assertThat(paused.getCached()).isFalse();
      assertThat(paused.getCacheMatch()).isNull();
      assertThat(paused.getCacheNote())
          .contains("was not used: semantic mode paused: observed false-hit rate 100.0%");
    }
  }

  private static WorkerConfig workerConfig(CommonConfig common, SimulatedProvider sim) {
    ModelCatalog catalog =
        ModelCatalog.bundled()
            .withBaseUrl("sim", sim.baseUrl())
            .restrictTo(p -> p.name().equals("sim"));
    return WorkerConfig.builder(
            common,
            catalog,
            List.of("sim"),
            common.topics().prefix() + "workers",
            new JobPolicy(
                3,
                new Backoff(Duration.ofMillis(5), Duration.ofMillis(100)),
                Duration.ofHours(1),
                Duration.ofHours(1)))
        .consumers(1, 50)
        .shadow(new ShadowSettings(0, Map.of(TEAM, 1.0)))
        .build();
  }

  private Optional<UsageEvent> shadowEvent(EmbeddedKafka kafka, Topics topics, String requestId) {
    return TopicContents.readAllWithStringKeys(kafka.bootstrapServers(), topics.usage()).stream()
        .map(r -> AvroSerde.of(UsageEvent.class).decode(r.value()))
        .filter(e -> e.getShadow() && e.getRequestId().equals(requestId))
        .findFirst();
  }

  private CompletionResult awaitResult(EmbeddedKafka kafka, Topics topics, String id) {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                TopicContents.readAllWithStringKeys(kafka.bootstrapServers(), topics.results())
                    .stream()
                    .filter(r -> r.key().equals(id))
                    .map(r -> results.decode(r.value()))
                    .findFirst(),
            Optional::isPresent)
        .orElseThrow();
  }
}

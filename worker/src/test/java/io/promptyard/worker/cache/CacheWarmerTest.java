package io.promptyard.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.Usage;
import io.promptyard.schemas.CacheMode;
import io.promptyard.schemas.CachePolicy;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.SemanticCacheEntry;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.tracing.JobTracing;
import io.promptyard.semanticcache.LazyEmbedder;
import io.promptyard.semanticcache.SemanticCache;
import io.promptyard.semanticcache.SemanticCacheConfig;
import io.promptyard.worker.guard.CallGuard;
import io.promptyard.worker.idempotency.InMemoryResultLedger;
import io.promptyard.worker.idempotency.PublishedResults;
import io.promptyard.worker.job.Backoff;
import io.promptyard.worker.job.JobOutcome;
import io.promptyard.worker.job.JobPolicy;
import io.promptyard.worker.job.JobProcessor;
import io.promptyard.worker.job.OutcomePublisher;
import io.promptyard.worker.job.TestClock;
import io.promptyard.worker.metrics.WorkerMetrics;
import io.promptyard.worker.moderation.OutputModeration;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A warmed answer is stored as a job that paid for it would store it, and a worker then serves it
 * from its exact or semantic cache without calling a provider; what a job would not cache is not
 * warmed.
 */
class CacheWarmerTest {

  private static final String TOPIC = "p.semantic-cache";
  private static final ModelCatalog CATALOG = ModelCatalog.bundled();
  private static final Usage USAGE = new Usage(1_200, 300, 200, 0);
  private static final Duration DEFAULT_TTL = Duration.ofHours(1);

  /** all-MiniLM-L6-v2, as the workers embed with it. */
  private static final LazyEmbedder MINI_LM = LazyEmbedder.miniLm();

  private final TestClock clock = new TestClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final InMemoryResponseCache cache = new InMemoryResponseCache(clock);
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private final CacheWarmer warmer =
      new CacheWarmer(CATALOG, cache, MINI_LM, producer, TOPIC, DEFAULT_TTL, clock);
  private SemanticAnswers semantic = SemanticAnswers.off();

  @AfterEach
  void close() {
    semantic.close();
  }

  @Test
  void aWarmedAnswerIsServedFromTheExactCacheWithoutAProviderCall() throws Exception {
    CompletionRequest known = request("team-a", "What is the capital of France?", null).build();

    CacheWarmer.Outcome outcome = warmer.warm(known, "sim", "sim-mini", answer("Paris."));

    assertThat(outcome).isEqualTo(new CacheWarmer.Outcome(true, false, null));
    assertThat(producer.history()).isEmpty();
    CompletionRequest asked = request("team-a", "What is the capital of France?", null).build();
    JobOutcome.Finished served = (JobOutcome.Finished) processor().process(job(asked), c -> {});
    CompletionResult hit = served.result();
    assertThat(hit.getId()).isEqualTo(asked.getId());
    assertThat(hit.getCached()).isTrue();
    assertThat(hit.getCacheMatch()).isEqualTo("exact");
    assertThat(hit.getReusedRequestId()).isEqualTo(known.getId());
    assertThat(hit.getOutput().getText()).isEqualTo("Paris.");
    assertThat(served.usage())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getSavedCostMicros())
                    .isEqualTo(
                        CATALOG.find("sim", "sim-mini").orElseThrow().prices().costMicros(USAGE))
                    .isPositive());
  }

  @Test
  void aWarmedSemanticAnswerReachesTheWorkersThroughTheTopicAndAnswersARewording()
      throws Exception {
    CompletionRequest known =
        request("team-a", "What is the capital of France?", CacheMode.SEMANTIC).build();

    CacheWarmer.Outcome outcome = warmer.warm(known, "sim", "sim-mini", answer("Paris."));

    assertThat(outcome).isEqualTo(new CacheWarmer.Outcome(true, true, null));
    SemanticCacheEntry entry =
        AvroSerde.of(SemanticCacheEntry.class).decode(producer.history().getFirst().value());
    assertThat(entry.getTeam()).isEqualTo("team-a");
    assertThat(entry.getModel()).isEqualTo("sim/sim-mini");
    assertThat(entry.getRequestId()).isEqualTo(known.getId());
    assertThat(entry.getEmbedder()).isEqualTo(MINI_LM.describe());
    assertThat(entry.getExpiresAt()).isEqualTo(clock.instant().plus(DEFAULT_TTL));
    semantic = workerReading(producer.history());
    CompletionRequest reworded =
        request("team-a", "Which city is the capital of France?", CacheMode.SEMANTIC).build();
    CompletionResult hit =
        ((JobOutcome.Finished) processor().process(job(reworded), c -> {})).result();
    assertThat(hit.getCached()).isTrue();
    assertThat(hit.getCacheMatch()).isEqualTo("semantic");
    assertThat(hit.getReusedRequestId()).isEqualTo(known.getId());
    assertThat(hit.getOutput().getText()).isEqualTo("Paris.");
  }

  @Test
  void whatAJobWouldNotCacheIsNotWarmedAndSaysWhy() {
    for (CacheMode mode : List.of(CacheMode.BYPASS, CacheMode.READ_ONLY)) {
      CompletionRequest known = request("team-a", "What is the capital of France?", mode).build();

      CacheWarmer.Outcome outcome = warmer.warm(known, "sim", "sim-mini", answer("Paris."));

      assertThat(outcome.exact()).isFalse();
      assertThat(outcome.skipped()).contains(mode.name().toLowerCase(java.util.Locale.ROOT));
      assertThat(cache.get(CacheKey.of(known, "sim", "sim-mini"))).isEmpty();
    }
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void aSemanticRequestWithoutAPlainTextQuestionIsWarmedExactlyOnly() {
    CompletionRequest known =
        request("team-a", "ignored", CacheMode.SEMANTIC)
            .setMessages(
                List.of(Message.newBuilder().setRole(Role.SYSTEM).setText("Be brief.").build()))
            .build();

    CacheWarmer.Outcome outcome = warmer.warm(known, "sim", "sim-mini", answer("Hello."));

    assertThat(outcome.exact()).isTrue();
    assertThat(outcome.semantic()).isFalse();
    assertThat(outcome.skipped()).contains("no plain-text user message");
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void aWarmedEntryIsTheTeamsAndLastsTheRequestsTtl() {
    CompletionRequest known =
        request("team-a", "What is the capital of France?", null)
            .setCache(CachePolicy.newBuilder().setTtlSeconds(120L).build())
            .build();
    warmer.warm(known, "sim", "sim-mini", answer("Paris."));
    CompletionRequest otherTeam =
        request("team-b", "What is the capital of France?", null)
            .setCache(CachePolicy.newBuilder().setTtlSeconds(120L).build())
            .build();

    assertThat(cache.get(CacheKey.of(otherTeam, "sim", "sim-mini"))).isEmpty();
    clock.advance(Duration.ofSeconds(119));
    assertThat(cache.get(CacheKey.of(known, "sim", "sim-mini"))).isPresent();
    clock.advance(Duration.ofSeconds(2));
    assertThat(cache.get(CacheKey.of(known, "sim", "sim-mini"))).isEmpty();
  }

  @Test
  void aModelTheCatalogDoesNotKnowIsRefused() {
    CompletionRequest known = request("team-a", "What is the capital of France?", null).build();

    assertThatThrownBy(() -> warmer.warm(known, "sim", "sim-huge", answer("Paris.")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sim/sim-huge is not in the catalog");
    assertThat(cache.get(CacheKey.of(known, "sim", "sim-huge"))).isEmpty();
  }

  // Fixtures

  private static CacheWarmer.Answer answer(String text) {
    return CacheWarmer.Answer.text(text, "stop", USAGE);
  }

  private static CompletionRequest.Builder request(String team, String question, CacheMode mode) {
    CompletionRequest.Builder b =
        CompletionRequest.newBuilder()
            .setId("req-" + UUID.randomUUID())
            .setTeam(team)
            .setModel("cheap")
            .setMessages(
                List.of(
                    Message.newBuilder().setRole(Role.SYSTEM).setText("Answer briefly.").build(),
                    Message.newBuilder().setRole(Role.USER).setText(question).build()))
            .setSubmittedAt(Instant.parse("2026-03-01T11:59:00Z"));
    if (mode != null) {
      b.setCache(CachePolicy.newBuilder().setMode(mode).build());
    }
    return b;
  }

  private RoutedRequest job(CompletionRequest request) {
    return new RoutedRequest(
        request,
        RoutingDecision.newBuilder()
            .setProvider("sim")
            .setModel("sim-mini")
            .setReason("test routes to sim/sim-mini")
            .setRoutedAt(clock.instant())
            .build(),
        List.of());
  }

  /** A worker whose every provider call fails the test. */
  private JobProcessor processor() {
    return new JobProcessor(
        CATALOG,
        name -> {
          throw new AssertionError("the worker asked provider " + name + " for a warmed answer");
        },
        cache,
        new InMemoryResultLedger(),
        PublishedResults.NONE,
        new JobPolicy(
            3,
            new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)),
            DEFAULT_TTL,
            Duration.ofDays(7)),
        CallGuard.NONE,
        WorkerMetrics.noop(),
        clock,
        OutcomePublisher.PUBLISHING_GRACE,
        semantic,
        JobTracing.OFF,
        OutputModeration.localOnly());
  }

  /** A worker's semantic cache, reading a topic that holds {@code written}. */
  private SemanticAnswers workerReading(List<ProducerRecord<String, byte[]>> written) {
    MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    TopicPartition partition = new TopicPartition(TOPIC, 0);
    consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
    consumer.updateBeginningOffsets(Map.of(partition, 0L));
    consumer.updateEndOffsets(Map.of(partition, (long) written.size()));
    consumer.schedulePollTask(
        () -> {
          for (int i = 0; i < written.size(); i++) {
            consumer.addRecord(
                new ConsumerRecord<>(TOPIC, 0, i, written.get(i).key(), written.get(i).value()));
          }
        });
    SemanticCache index =
        new SemanticCache(
            MINI_LM, SemanticCacheConfig.defaults().withRefreshInterval(Duration.ZERO), clock);
    SemanticCacheTopic topic =
        new SemanticCacheTopic(
            consumer,
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()),
            TOPIC,
            index,
            clock);
    return new SemanticAnswers(index, topic, WorkerMetrics.noop(), clock);
  }
}

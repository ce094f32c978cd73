package io.promptyard.worker.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.catalog.ParamRules;
import io.promptyard.catalog.Prices;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimits;
import io.promptyard.schemas.Attempt;
import io.promptyard.schemas.CacheMode;
import io.promptyard.schemas.CachePolicy;
import io.promptyard.schemas.CacheScope;
import io.promptyard.schemas.CompletionChunk;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.DetectorVerdict;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.ResultError;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.SemanticPause;
import io.promptyard.schemas.TemplateRef;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.tracing.JobTracing;
import io.promptyard.semanticcache.LazyEmbedder;
import io.promptyard.semanticcache.SemanticCache;
import io.promptyard.semanticcache.SemanticCacheConfig;
import io.promptyard.worker.cache.CacheKey;
import io.promptyard.worker.cache.InMemoryResponseCache;
import io.promptyard.worker.cache.ResponseCache;
import io.promptyard.worker.cache.SemanticAnswers;
import io.promptyard.worker.cache.SemanticPauses;
import io.promptyard.worker.cache.ShadowSettings;
import io.promptyard.worker.guard.CallGuard;
import io.promptyard.worker.idempotency.InMemoryResultLedger;
import io.promptyard.worker.idempotency.LedgerEntry;
import io.promptyard.worker.idempotency.PublishedResults;
import io.promptyard.worker.idempotency.RequestFingerprint;
import io.promptyard.worker.job.ScriptedProvider.Call;
import io.promptyard.worker.job.ScriptedProvider.Method;
import io.promptyard.worker.metrics.WorkerMetrics;
import io.promptyard.worker.moderation.OutputModeration;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class JobProcessorTest {

  private static final ModelCatalog CATALOG = ModelCatalog.bundled();
  private static final Prices SIM_MINI_PRICES =
      CATALOG.find("sim", "sim-mini").orElseThrow().prices();
  private static final Prices SIM_LARGE_PRICES =
      CATALOG.find("sim", "sim-large").orElseThrow().prices();
  private static final ModelRef SIM_LARGE = new ModelRef("sim", "sim-large");
  private static final ModelRef OPENAI_NANO = new ModelRef("openai", "gpt-4.1-nano");

  /** 1,000 uncached and 200 cached input tokens, 300 output tokens. */
  private static final Usage USAGE = new Usage(1_200, 300, 200, 0);

  private static final int MAX_ATTEMPTS = 3;

  private final TestClock clock = new TestClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final ScriptedProvider sim = new ScriptedProvider("sim");
  private final InMemoryResponseCache cache = new InMemoryResponseCache(clock);
  private final InMemoryResultLedger ledger = new InMemoryResultLedger();
  private final JobPolicy policy =
      new JobPolicy(
          MAX_ATTEMPTS,
          new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)),
          Duration.ofHours(1),
          Duration.ofDays(7));
  private final List<CompletionChunk> chunks = new ArrayList<>();
  private JobProcessor processor = processorWith(cache);

  // Deadline and idempotency

  @Test
  void expiredRequestGetsExpiredResultWithoutProviderCall() throws Exception {
    CompletionRequest request =
        request("team-a").setDeadline(clock.instant().minusSeconds(1)).build();

    JobOutcome outcome = processor.process(routed(request, "sim-mini"), chunks::add);

    CompletionResult result = finished(outcome).result();
    assertThat(result.getStatus()).isEqualTo(ResultStatus.EXPIRED);
    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
    assertThat(result.getId()).isEqualTo(request.getId());
    assertThat(finished(outcome).deadLetter()).isNull();
    assertThat(outcome.usage()).isEmpty();
    assertThat(sim.calls()).isEmpty();
  }

  @Test
  void publishedOutcomeMakesRedeliveryAlreadyDone() throws Exception {
    sim.answers("Paris.", USAGE);
    RoutedRequest job = routed(request("team-a").build(), "sim-mini");
    processor.markPublished(processor.process(job, chunks::add), Delivery.ORIGINAL);

    JobOutcome redelivered = processor.process(job, chunks::add);

    assertThat(redelivered).isInstanceOf(JobOutcome.AlreadyDone.class);
    assertThat(redelivered.usage()).isEmpty();
    assertThat(sim.calls()).hasSize(1);
  }

  @Test
  void resultPublishedByAWorkerThatDiedBeforeRecordingItIsFoundAndNotCalledOrPublishedAgain()
      throws Exception {
    RoutedRequest job = routed(request("team-a").build(), "sim-mini");
    LedgerEntry.Publishing died = new LedgerEntry.Publishing(2, longDead());
    ledger.markPublishing("team-a", job.getRequest().getId(), died, Duration.ofDays(1));
    List<LedgerEntry.Publishing> lookedAt = new ArrayList<>();
    CompletionResult landed =
        TerminalResults.unsuccessful(
            job.getRequest(),
            ResultStatus.FAILED,
            new ResultError(ErrorCode.TIMEOUT, "timed out", null, true),
            3);
    JobProcessor next =
        new JobProcessor(
            CATALOG,
            name -> sim,
            cache,
            ledger,
            (team, id, publishing) -> {
              lookedAt.add(publishing);
              return Optional.of(landed);
            },
            policy,
            CallGuard.NONE,
            WorkerMetrics.noop(),
            clock,
            OutcomePublisher.PUBLISHING_GRACE,
            SemanticAnswers.off(),
            JobTracing.OFF,
            OutputModeration.localOnly());

    JobOutcome redelivered = next.process(job, chunks::add);

    // Its reply copy goes out again before the result is recorded done: the dead worker may not
    // have sent it.
    assertThat(redelivered)
        .isEqualTo(
            new JobOutcome.AlreadyPublished(landed, RequestFingerprint.of(job.getRequest())));
    assertThat(lookedAt).containsExactly(died);
    assertThat(sim.calls()).isEmpty();
    assertThat(ledger.lookup("team-a", job.getRequest().getId()))
        .as("not recorded before the reply copy")
        .containsInstanceOf(LedgerEntry.Publishing.class);
    next.markPublished(redelivered, Delivery.ORIGINAL);
    assertThat(ledger.status("team-a", job.getRequest().getId())).contains("FAILED");
  }

  @Test
  void resultWhosePublishingBeganBeforeTheBrokersWentDownIsAwaitedNotLookedForAndCalledAgain()
      throws Exception {
    sim.answers("Paris.", USAGE);
    RoutedRequest job = routed(request("team-a").build(), "sim-mini");
    String fingerprint = RequestFingerprint.of(job.getRequest());
    // Another worker began publishing a minute ago, and its send is still in its producer: every
    // broker was down meanwhile, and the job's record came again when they were back. The result is
    // not on the topic yet.
    ledger.markPublishing(
        "team-a",
        job.getRequest().getId(),
        new LedgerEntry.Publishing(
            2, clock.millis() - Duration.ofMinutes(1).toMillis(), fingerprint),
        Duration.ofDays(1));
    List<LedgerEntry.Publishing> lookedAt = new ArrayList<>();
    JobProcessor next =
        new JobProcessor(
            CATALOG,
            name -> sim,
            cache,
            ledger,
            (team, id, publishing) -> {
              lookedAt.add(publishing);
              return Optional.empty();
            },
            policy,
            CallGuard.NONE,
            WorkerMetrics.noop(),
            clock,
            OutcomePublisher.PUBLISHING_GRACE,
            SemanticAnswers.off(),
            JobTracing.OFF,
            OutputModeration.localOnly());

    CompletableFuture<JobOutcome> redelivered = new CompletableFuture<>();
    Thread waiting =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    redelivered.complete(next.process(job, chunks::add));
                  } catch (Throwable e) {
                    redelivered.completeExceptionally(e);
                  }
                });
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> redelivered.isDone() || waiting.getState() == Thread.State.TIMED_WAITING);
    // The other worker's send lands and it records the result done
    ledger.markDone(
        "team-a",
        job.getRequest().getId(),
        new LedgerEntry.Done("SUCCEEDED", fingerprint),
        Duration.ofDays(1));

    assertThat(redelivered.get(30, TimeUnit.SECONDS)).isInstanceOf(JobOutcome.AlreadyDone.class);
    assertThat(lookedAt).as("results topic read").isEmpty();
    assertThat(sim.calls()).isEmpty();
  }

  @Test
  void jobWhoseResultNeverLandedIsCalledAgainAndRecordsWhereItPublishes() throws Exception {
    sim.answers("Paris.", USAGE);
    RoutedRequest job = routed(request("team-a").build(), "sim-mini");
    ledger.markPublishing(
        "team-a",
        job.getRequest().getId(),
        new LedgerEntry.Publishing(2, longDead()),
        Duration.ofDays(1));

    JobOutcome outcome = processor.process(job, chunks::add);
    processor.markPublishing(outcome, 1);

    assertThat(finished(outcome).result().getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(sim.calls()).hasSize(1);
    String fingerprint = RequestFingerprint.of(job.getRequest());
    assertThat(ledger.lookup("team-a", job.getRequest().getId()))
        .contains(new LedgerEntry.Publishing(1, clock.millis(), fingerprint));
    processor.markPublished(outcome, Delivery.ORIGINAL);
    assertThat(ledger.lookup("team-a", job.getRequest().getId()))
        .contains(new LedgerEntry.Done("SUCCEEDED", fingerprint));
  }

  @Test
  void finishedRequestRedeliveredAfterItsDeadlineIsAlreadyDoneNotExpired() throws Exception {
    sim.answers("Paris.", USAGE);
    RoutedRequest job =
        routed(request("team-a").setDeadline(clock.instant().plusSeconds(30)).build(), "sim-mini");
    processor.markPublished(processor.process(job, chunks::add), Delivery.ORIGINAL);

    clock.advance(Duration.ofMinutes(1));
    JobOutcome redelivered = processor.process(job, chunks::add);

    assertThat(redelivered).isInstanceOf(JobOutcome.AlreadyDone.class);
  }

  @Test
  void replayThatFailedAgainIsNotRunAThirdTimeWhenItsRecordComesAgainButANewReplayIs()
      throws Exception {
    sim.fails(3, ErrorCode.AUTHENTICATION, false, 401, "sim rejected the API key (HTTP 401)");
    RoutedRequest job =
        routed(request("team-a").setCache(policy(CacheMode.BYPASS)).build(), "sim-mini");
    processor.markPublished(processor.process(job, chunks::add), Delivery.ORIGINAL);
    Delivery replay = new Delivery("dlq/0@7 at 2026-03-01T12:05:00Z", 1);

    // The replay fails again and its result is published; then its record comes again (no ack
    // before a crash)
    processor.markPublished(processor.process(job, replay, chunks::add), replay);
    JobOutcome again = processor.process(job, replay, chunks::add);

    assertThat(again).isInstanceOf(JobOutcome.AlreadyDone.class);
    assertThat(sim.calls()).hasSize(2);

    // A later replay of the same dead letter runs again
    Delivery later = new Delivery("dlq/0@7 at 2026-03-01T12:30:00Z", 2);
    assertThat(finished(processor.process(job, later, chunks::add)).result().getStatus())
        .isEqualTo(ResultStatus.FAILED);
    assertThat(sim.calls()).hasSize(3);
  }

  @Test
  void aDifferentRequestUnderAnIdAlreadyAnsweredIsRejectedNamingTheIdAndIsNotCalled()
      throws Exception {
    sim.answers("Paris.", USAGE);
    CompletionRequest first = request("team-a").setId("user-7").build();
    processor.markPublished(
        processor.process(routed(first, "sim-mini"), chunks::add), Delivery.ORIGINAL);

    // A second request under the same id (a JSON producer keying its records by user, with no
    // request_id)
    CompletionRequest second =
        request("team-a")
            .setId("user-7")
            .setMessages(
                List.of(Message.newBuilder().setRole(Role.USER).setText("And of Spain?").build()))
            .build();
    JobOutcome outcome = processor.process(routed(second, "sim-mini"), chunks::add);

    assertThat(outcome).isInstanceOf(JobOutcome.DuplicateId.class);
    CompletionResult rejection = ((JobOutcome.DuplicateId) outcome).rejection();
    assertThat(rejection.getId()).isEqualTo("user-7");
    assertThat(rejection.getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(rejection.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(rejection.getError().getMessage())
        .contains(
            "request id user-7 of team team-a is already taken by a different request",
            "SUCCEEDED",
            "request_id");
    assertThat(sim.calls()).hasSize(1);
    processor.markPublished(outcome, Delivery.ORIGINAL);
    assertThat(ledger.lookup("team-a", "user-7"))
        .as("the first request keeps the id")
        .contains(new LedgerEntry.Done("SUCCEEDED", RequestFingerprint.of(first)));
  }

  @Test
  void theSameRequestSentAgainWithOtherBookkeepingIsAlreadyDoneNotADuplicate() throws Exception {
    sim.answers("Paris.", USAGE);
    CompletionRequest first = request("team-a").setSubmittedAt(clock.instant()).build();
    processor.markPublished(
        processor.process(routed(first, "sim-mini"), chunks::add), Delivery.ORIGINAL);

    CompletionRequest resent =
        CompletionRequest.newBuilder(first)
            .setSubmittedAt(clock.instant().plusSeconds(60))
            .setBatchId("retry-2")
            .setDeadline(clock.instant().plusSeconds(600))
            .build();

    assertThat(processor.process(routed(resent, "sim-mini"), chunks::add))
        .isInstanceOf(JobOutcome.AlreadyDone.class);
    assertThat(sim.calls()).hasSize(1);
  }

  @Test
  void aDifferentRequestUnderAnIdWhoseResultWasBeingPublishedIsRejectedWithoutLookingForThatResult()
      throws Exception {
    CompletionRequest first = request("team-a").build();
    ledger.markPublishing(
        "team-a",
        first.getId(),
        new LedgerEntry.Publishing(2, longDead(), RequestFingerprint.of(first)),
        Duration.ofDays(1));
    CompletionRequest other = request("team-a").setId(first.getId()).setModel("smart").build();

    JobOutcome outcome = processor.process(routed(other, "sim-mini"), chunks::add);

    assertThat(outcome).isInstanceOf(JobOutcome.DuplicateId.class);
    assertThat(sim.calls()).isEmpty();
  }

  @Test
  void sameRequestIdFromAnotherTeamIsNotAlreadyDone() throws Exception {
    sim.answers("Paris.", USAGE).answers("Paris.", USAGE);
    String sharedId = "nightly:row-1";
    processor.markPublished(
        processor.process(
            routed(
                request("team-a").setId(sharedId).setCache(policy(CacheMode.BYPASS)).build(),
                "sim-mini"),
            chunks::add),
        Delivery.ORIGINAL);

    JobOutcome teamB =
        processor.process(
            routed(
                request("team-b").setId(sharedId).setCache(policy(CacheMode.BYPASS)).build(),
                "sim-mini"),
            chunks::add);

    assertThat(finished(teamB).result().getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(finished(teamB).result().getTeam()).isEqualTo("team-b");
    assertThat(sim.calls()).hasSize(2);
  }

  /**
   * When a worker that died mid-publish wrote its publishing entry: longer ago than any send can
   * take.
   */
  private long longDead() {
    return clock.millis() - OutcomePublisher.PUBLISHING_GRACE.plusMinutes(1).toMillis();
  }

  // A successful call

  @Test
  void successfulCallPublishesResultWithCostFromCatalogPricesAndOneUsageEvent() throws Exception {
    sim.answers("The capital of France is Paris.", USAGE);
    CompletionRequest request =
        request("team-a")
            .setUser("ada")
            .setBatchId("batch-1")
            .setCustomId("row-7")
            .setTemplate(TemplateRef.newBuilder().setName("faq").setVersion("2").build())
            .setTags(Map.of("feature", "search"))
            .build();

    JobOutcome outcome = processor.process(routed(request, "sim-mini"), chunks::add);

    long expectedCost = SIM_MINI_PRICES.costMicros(USAGE);
    // 1,000 × $0.10 + 200 × $0.05 + 300 × $0.40 per million tokens = 230 micro-dollars
    assertThat(expectedCost).isEqualTo(230);
    CompletionResult result = finished(outcome).result();
    assertThat(result.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(result.getId()).isEqualTo(request.getId());
    assertThat(result.getTeam()).isEqualTo("team-a");
    assertThat(result.getProvider()).isEqualTo("sim");
    assertThat(result.getModel()).isEqualTo("sim-mini");
    assertThat(result.getOutput().getText()).isEqualTo("The capital of France is Paris.");
    assertThat(result.getUsage()).isEqualTo(new TokenUsage(1_200L, 300L, 200L, 0L));
    assertThat(result.getCostMicros()).isEqualTo(expectedCost);
    assertThat(result.getCached()).isFalse();
    assertThat(result.getAttempts()).isEqualTo(1);
    assertThat(result.getBatchId()).isEqualTo("batch-1");
    assertThat(result.getCustomId()).isEqualTo("row-7");
    assertThat(finished(outcome).deadLetter()).isNull();

    assertThat(outcome.usage())
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getEventId()).isEqualTo(request.getId() + ":1");
              assertThat(event.getTeam()).isEqualTo("team-a");
              assertThat(event.getUser()).isEqualTo("ada");
              assertThat(event.getTemplate()).isEqualTo("faq");
              assertThat(event.getTemplateVersion()).isEqualTo("2");
              assertThat(event.getTags()).containsExactly(Map.entry("feature", "search"));
              assertThat(event.getModel()).isEqualTo("sim-mini");
              assertThat(event.getCostMicros()).isEqualTo(expectedCost);
              assertThat(event.getSavedCostMicros()).isZero();
              assertThat(event.getCached()).isFalse();
              assertThat(event.getErrorCode()).isNull();
            });

    assertThat(sim.calls())
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.method()).isEqualTo(Method.COMPLETE);
              assertThat(call.request().model()).isEqualTo("sim-mini");
              assertThat(call.request().requestId()).isEqualTo(request.getId());
              assertThat(call.request().messages()).isEqualTo(request.getMessages());
            });
  }

  @Test
  void streamingRequestForwardsChunksInOrder() throws Exception {
    sim.streams(USAGE, "The capital", " of France", " is Paris.");
    CompletionRequest request = request("team-a").setStream(true).build();

    JobOutcome outcome = processor.process(routed(request, "sim-mini"), chunks::add);

    assertThat(chunks)
        .extracting(
            CompletionChunk::getIndex,
            CompletionChunk::getTextDelta,
            CompletionChunk::getFinishReason)
        .containsExactly(
            tuple(0, "The capital", null),
            tuple(1, " of France", null),
            tuple(2, " is Paris.", "stop"));
    assertThat(chunks)
        .allSatisfy(
            chunk -> {
              assertThat(chunk.getRequestId()).isEqualTo(request.getId());
              assertThat(chunk.getProvider()).isEqualTo("sim");
              assertThat(chunk.getModel()).isEqualTo("sim-mini");
            });
    assertThat(finished(outcome).result().getOutput().getText())
        .isEqualTo("The capital of France is Paris.");
    assertThat(sim.calls()).extracting(Call::method).containsExactly(Method.STREAM);
  }

  @Test
  void aStreamThatBreaksOffIsStreamedAgainByTheRetryUnderTheNextAttemptNumber() throws Exception {
    sim.streamsThenFails(ErrorCode.TIMEOUT, true, 504, "The capital", " of Fra")
        .streams(USAGE, "Paris", " is the capital.");
    CompletionRequest request = request("team-a").setStream(true).build();

    JobOutcome outcome = processor.process(routed(request, "sim-mini"), chunks::add);

    assertThat(chunks)
        .extracting(
            CompletionChunk::getAttempt,
            CompletionChunk::getIndex,
            CompletionChunk::getTextDelta,
            CompletionChunk::getFinishReason)
        .containsExactly(
            tuple(1, 0, "The capital", null),
            tuple(1, 1, " of Fra", null),
            tuple(2, 0, "Paris", null),
            tuple(2, 1, " is the capital.", "stop"));
    CompletionResult result = finished(outcome).result();
    assertThat(result.getAttempts()).as("the attempt whose chunks make the answer").isEqualTo(2);
    assertThat(result.getOutput().getText()).isEqualTo("Paris is the capital.");
  }

  @Test
  void aFallbackModelStreamsUnderTheAttemptNumberThatFollowsTheFailedModelsAttempts()
      throws Exception {
    for (int i = 0; i < MAX_ATTEMPTS; i++) {
      sim.streamsThenFails(ErrorCode.OVERLOADED, true, 503, "Par");
    }
    sim.streams(USAGE, "Paris.");
    CompletionRequest request = request("team-a").setStream(true).build();

    JobOutcome forwarded = processor.process(routed(request, "sim-mini", SIM_LARGE), chunks::add);
    JobOutcome outcome = processor.process(((JobOutcome.Forwarded) forwarded).next(), chunks::add);

    assertThat(chunks)
        .extracting(
            CompletionChunk::getAttempt, CompletionChunk::getModel, CompletionChunk::getIndex)
        .containsExactly(
            tuple(1, "sim-mini", 0),
            tuple(2, "sim-mini", 0),
            tuple(3, "sim-mini", 0),
            tuple(4, "sim-large", 0));
    assertThat(finished(outcome).result().getAttempts()).isEqualTo(MAX_ATTEMPTS + 1);
  }

  // Cache

  @Test
  void identicalRequestIsServedFromCacheWithZeroCostAndSavedCost() throws Exception {
    sim.answers("Paris.", USAGE);
    CompletionResult first =
        finished(processor.process(routed(request("team-a").build(), "sim-mini"), chunks::add))
            .result();
    CompletionRequest again = request("team-a").build();

    JobOutcome outcome = processor.process(routed(again, "sim-mini"), chunks::add);

    CompletionResult result = finished(outcome).result();
    assertThat(result.getId()).isEqualTo(again.getId());
    assertThat(result.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(result.getCached()).isTrue();
    assertThat(result.getCacheMatch()).isEqualTo("exact");
    assertThat(result.getReusedRequestId()).isEqualTo(first.getId());
    assertThat(result.getCostMicros()).isZero();
    assertThat(result.getOutput()).isEqualTo(first.getOutput());
    assertThat(result.getUsage()).isEqualTo(first.getUsage());
    assertThat(outcome.usage())
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getRequestId()).isEqualTo(again.getId());
              assertThat(event.getCached()).isTrue();
              assertThat(event.getCostMicros()).isZero();
              assertThat(event.getSavedCostMicros()).isEqualTo(first.getCostMicros()).isPositive();
            });
    assertThat(sim.calls()).hasSize(1);
  }

  @Test
  void teamAUsageNeverHitsTeamBCache() throws Exception {
    sim.answers("Paris.", USAGE).answers("Paris.", USAGE);
    processor.process(routed(request("team-a").build(), "sim-mini"), chunks::add);

    JobOutcome teamB =
        processor.process(routed(request("team-b").build(), "sim-mini"), chunks::add);

    assertThat(finished(teamB).result().getCached()).isFalse();
    assertThat(finished(teamB).result().getCostMicros()).isPositive();
    assertThat(sim.calls()).hasSize(2);
  }

  @Test
  void sharedScopeIsVisibleAcrossTeams() throws Exception {
    sim.answers("Paris.", USAGE);
    processor.process(
        routed(request("team-a").setCache(shared()).build(), "sim-mini"), chunks::add);

    JobOutcome teamB =
        processor.process(
            routed(request("team-b").setCache(shared()).build(), "sim-mini"), chunks::add);

    assertThat(finished(teamB).result().getCached()).isTrue();
    assertThat(finished(teamB).result().getTeam()).isEqualTo("team-b");
    assertThat(teamB.usage())
        .singleElement()
        .satisfies(event -> assertThat(event.getTeam()).isEqualTo("team-b"));
    assertThat(sim.calls()).hasSize(1);
  }

  @Test
  void bypassPolicyNeverReadsOrWritesTheCache() throws Exception {
    sim.answers("cached answer", USAGE).answers("bypassing answer", USAGE);
    processor.process(routed(request("team-a").build(), "sim-mini"), chunks::add);

    JobOutcome bypass =
        processor.process(
            routed(request("team-a").setCache(policy(CacheMode.BYPASS)).build(), "sim-mini"),
            chunks::add);
    JobOutcome later =
        processor.process(routed(request("team-a").build(), "sim-mini"), chunks::add);

    assertThat(finished(bypass).result().getCached()).isFalse();
    assertThat(finished(bypass).result().getOutput().getText()).isEqualTo("bypassing answer");
    assertThat(finished(later).result().getCached()).isTrue();
    assertThat(finished(later).result().getOutput().getText()).isEqualTo("cached answer");
    assertThat(sim.calls()).hasSize(2);
  }

  @Test
  void readOnlyPolicyReadsTheCache() throws Exception {
    sim.answers("Paris.", USAGE);
    processor.process(routed(request("team-a").build(), "sim-mini"), chunks::add);

    JobOutcome readOnly =
        processor.process(
            routed(request("team-a").setCache(policy(CacheMode.READ_ONLY)).build(), "sim-mini"),
            chunks::add);

    assertThat(finished(readOnly).result().getCached()).isTrue();
    assertThat(sim.calls()).hasSize(1);
  }

  @Test
  void readOnlyPolicyDoesNotWriteTheCache() throws Exception {
    sim.answers("Paris.", USAGE).answers("Paris.", USAGE);
    processor.process(
        routed(request("team-a").setCache(policy(CacheMode.READ_ONLY)).build(), "sim-mini"),
        chunks::add);

    JobOutcome later =
        processor.process(routed(request("team-a").build(), "sim-mini"), chunks::add);

    assertThat(finished(later).result().getCached()).isFalse();
    assertThat(sim.calls()).hasSize(2);
  }

  @Test
  void refreshPolicyCallsProviderAndOverwritesTheCache() throws Exception {
    sim.answers("stale answer", USAGE).answers("fresh answer", USAGE);
    processor.process(routed(request("team-a").build(), "sim-mini"), chunks::add);

    JobOutcome refresh =
        processor.process(
            routed(request("team-a").setCache(policy(CacheMode.REFRESH)).build(), "sim-mini"),
            chunks::add);
    JobOutcome later =
        processor.process(routed(request("team-a").build(), "sim-mini"), chunks::add);

    assertThat(finished(refresh).result().getCached()).isFalse();
    assertThat(finished(refresh).result().getOutput().getText()).isEqualTo("fresh answer");
    assertThat(finished(later).result().getCached()).isTrue();
    assertThat(finished(later).result().getOutput().getText()).isEqualTo("fresh answer");
    assertThat(sim.calls()).hasSize(2);
  }

  @Test
  void requestTtlBoundsHowLongTheAnswerIsCached() throws Exception {
    sim.answers("Paris.", USAGE).answers("Paris.", USAGE);
    CachePolicy oneMinute = CachePolicy.newBuilder().setTtlSeconds(60L).build();
    processor.process(
        routed(request("team-a").setCache(oneMinute).build(), "sim-mini"), chunks::add);

    clock.advance(Duration.ofSeconds(61));
    JobOutcome later =
        processor.process(routed(request("team-a").build(), "sim-mini"), chunks::add);

    assertThat(finished(later).result().getCached()).isFalse();
    assertThat(sim.calls()).hasSize(2);
  }

  @Test
  void answerWithoutRequestTtlStaysCachedForThePolicyTtl() throws Exception {
    sim.answers("Paris.", USAGE).answers("Paris.", USAGE);
    processor.process(routed(request("team-a").build(), "sim-mini"), chunks::add);

    clock.advance(policy.cacheTtl().minusMinutes(1));
    JobOutcome withinTtl =
        processor.process(routed(request("team-a").build(), "sim-mini"), chunks::add);
    clock.advance(Duration.ofMinutes(2));
    JobOutcome afterTtl =
        processor.process(routed(request("team-a").build(), "sim-mini"), chunks::add);

    assertThat(finished(withinTtl).result().getCached()).isTrue();
    assertThat(finished(afterTtl).result().getCached()).isFalse();
  }

  @Test
  void modelCacheTtlFromTheCatalogAppliesWhenTheRequestSetsNone() throws Exception {
    ModelSpec mini = CATALOG.find("sim", "sim-mini").orElseThrow();
    ModelSpec shortLived =
        new ModelSpec(
            mini.provider(),
            mini.id(),
            mini.aliases(),
            mini.contextWindow(),
            mini.maxOutputTokens(),
            mini.capabilities(),
            mini.prices(),
            Duration.ofMinutes(5),
            ParamRules.NONE);
    ModelCatalog catalog = new ModelCatalog(CATALOG.providers(), List.of(shortLived));
    processor =
        new JobProcessor(
            catalog,
            name -> sim,
            cache,
            ledger,
            PublishedResults.NONE,
            policy,
            CallGuard.NONE,
            WorkerMetrics.noop(),
            clock,
            OutcomePublisher.PUBLISHING_GRACE,
            SemanticAnswers.off(),
            JobTracing.OFF,
            OutputModeration.localOnly());
    sim.answers("Paris.", USAGE).answers("Paris.", USAGE);
    processor.process(routed(request("team-a").build(), "sim-mini"), chunks::add);

    clock.advance(Duration.ofMinutes(4));
    JobOutcome withinModelTtl =
        processor.process(routed(request("team-a").build(), "sim-mini"), chunks::add);
    clock.advance(Duration.ofMinutes(2));
    JobOutcome afterModelTtl =
        processor.process(routed(request("team-a").build(), "sim-mini"), chunks::add);

    assertThat(finished(withinModelTtl).result().getCached()).isTrue();
    assertThat(finished(afterModelTtl).result().getCached())
        .as("the model's 5 minutes, not the policy's hour")
        .isFalse();
  }

  @Test
  void undecodableCacheEntryIsAMissAndIsReplacedByTheFreshAnswer() throws Exception {
    sim.answers("Paris.", USAGE);
    CompletionRequest request = request("team-a").build();
    cache.put(
        CacheKey.of(request, "sim", "sim-mini"),
        "not an avro record".getBytes(StandardCharsets.UTF_8),
        Duration.ofHours(1));

    JobOutcome outcome = processor.process(routed(request, "sim-mini"), chunks::add);
    JobOutcome later =
        processor.process(routed(request("team-a").build(), "sim-mini"), chunks::add);

    assertThat(finished(outcome).result().getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(finished(outcome).result().getCached()).isFalse();
    assertThat(finished(later).result().getCached()).isTrue();
  }

  @Test
  void cacheThatFailsToStoreStillReturnsThePaidAnswer() throws Exception {
    sim.answers("Paris.", USAGE);
    processor =
        processorWith(
            new ResponseCache() {
              @Override
              public Optional<byte[]> get(CacheKey key) {
                return Optional.empty();
              }

              @Override
              public void put(CacheKey key, byte[] value, Duration ttl) {
                throw new IllegalStateException(
                    "READONLY You can't write against a read only replica.");
              }

              @Override
              public String describe() {
                return "failing";
              }
            });

    JobOutcome outcome =
        processor.process(routed(request("team-a").build(), "sim-mini"), chunks::add);

    assertThat(finished(outcome).result().getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(finished(outcome).result().getOutput().getText()).isEqualTo("Paris.");
    assertThat(outcome.usage())
        .singleElement()
        .satisfies(event -> assertThat(event.getCostMicros()).isPositive());
  }

  // Retries, fallback and failure

  @Test
  void retryableErrorIsRetriedInPlaceThenSucceeds() throws Exception {
    sim.fails(1, ErrorCode.RATE_LIMITED, true, 429, "sim: rate limit reached")
        .answers("Paris.", USAGE);
    CompletionRequest request = request("team-a").build();

    JobOutcome outcome = processor.process(routed(request, "sim-mini"), chunks::add);

    CompletionResult result = finished(outcome).result();
    assertThat(result.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(result.getAttempts()).isEqualTo(2);
    assertThat(result.getCostMicros()).isEqualTo(SIM_MINI_PRICES.costMicros(USAGE));
    assertThat(outcome.usage())
        .extracting(
            UsageEvent::getEventId,
            UsageEvent::getAttempt,
            UsageEvent::getErrorCode,
            UsageEvent::getCostMicros)
        .containsExactly(
            tuple(request.getId() + ":1", 1, ErrorCode.RATE_LIMITED, 0L),
            tuple(request.getId() + ":2", 2, null, SIM_MINI_PRICES.costMicros(USAGE)));
    assertThat(outcome.usage().getFirst().getUsage()).isEqualTo(new TokenUsage(0L, 0L, 0L, 0L));
    assertThat(sim.calls())
        .extracting(call -> call.request().model())
        .containsExactly("sim-mini", "sim-mini");
  }

  @Test
  void retryableErrorsExhaustedFallBackToNextModelInChain() throws Exception {
    sim.fails(MAX_ATTEMPTS, ErrorCode.OVERLOADED, true, 503, "sim: overloaded");
    Attempt earlierHop =
        new Attempt(
            "openai",
            "gpt-4o-mini",
            clock.instant().minusSeconds(5),
            clock.instant().minusSeconds(4),
            ErrorCode.TIMEOUT,
            "openai: timed out");
    CompletionRequest request = request("team-a").build();
    RoutedRequest job =
        new RoutedRequest(
            request, decision("sim-mini", SIM_LARGE, OPENAI_NANO), List.of(earlierHop));

    JobOutcome outcome = processor.process(job, chunks::add);

    assertThat(outcome).isInstanceOf(JobOutcome.Forwarded.class);
    RoutedRequest next = ((JobOutcome.Forwarded) outcome).next();
    assertThat(next.getRequest()).isEqualTo(request);
    assertThat(next.getDecision().getProvider()).isEqualTo("sim");
    assertThat(next.getDecision().getModel()).isEqualTo("sim-large");
    assertThat(next.getDecision().getFallbackChain()).containsExactly(OPENAI_NANO);
    assertThat(next.getDecision().getReason())
        .contains("fallback from sim/sim-mini")
        .contains("OVERLOADED");
    assertThat(next.getAttempts()).first().isEqualTo(earlierHop);
    assertThat(next.getAttempts()).hasSize(1 + MAX_ATTEMPTS);
    assertThat(next.getAttempts().subList(1, 1 + MAX_ATTEMPTS))
        .extracting(Attempt::getModel, Attempt::getErrorCode)
        .containsOnly(tuple("sim-mini", ErrorCode.OVERLOADED));
    assertThat(outcome.usage()).extracting(UsageEvent::getAttempt).containsExactly(2, 3, 4);
    assertThat(outcome.usage())
        .extracting(UsageEvent::getErrorCode)
        .containsOnly(ErrorCode.OVERLOADED);
    assertThat(sim.calls()).hasSize(MAX_ATTEMPTS);
  }

  @Test
  void forwardedJobIsNotDoneAndTheFallbackModelAnswersWithEveryAttemptCounted() throws Exception {
    sim.fails(MAX_ATTEMPTS, ErrorCode.OVERLOADED, true, 503, "sim: overloaded")
        .answers("Paris.", USAGE);
    JobOutcome forwarded =
        processor.process(routed(request("team-a").build(), "sim-mini", SIM_LARGE), chunks::add);
    processor.markPublished(forwarded, Delivery.ORIGINAL);

    JobOutcome outcome = processor.process(((JobOutcome.Forwarded) forwarded).next(), chunks::add);

    CompletionResult result = finished(outcome).result();
    assertThat(result.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(result.getModel()).isEqualTo("sim-large");
    assertThat(result.getAttempts()).isEqualTo(MAX_ATTEMPTS + 1);
    assertThat(result.getCostMicros()).isEqualTo(SIM_LARGE_PRICES.costMicros(USAGE));
    assertThat(outcome.usage())
        .singleElement()
        .satisfies(event -> assertThat(event.getAttempt()).isEqualTo(MAX_ATTEMPTS + 1));
    assertThat(sim.calls().getLast().request().model()).isEqualTo("sim-large");
  }

  @Test
  void contextTooLongFallsBackToLargerModel() throws Exception {
    sim.fails(
        1,
        ErrorCode.CONTEXT_TOO_LONG,
        false,
        400,
        "sim: prompt is 140000 tokens; sim-mini accepts 128000");

    JobOutcome outcome =
        processor.process(routed(request("team-a").build(), "sim-mini", SIM_LARGE), chunks::add);

    assertThat(outcome).isInstanceOf(JobOutcome.Forwarded.class);
    RoutedRequest next = ((JobOutcome.Forwarded) outcome).next();
    assertThat(next.getDecision().getModel()).isEqualTo("sim-large");
    assertThat(next.getDecision().getFallbackChain()).isEmpty();
    assertThat(next.getAttempts())
        .singleElement()
        .satisfies(
            attempt -> assertThat(attempt.getErrorCode()).isEqualTo(ErrorCode.CONTEXT_TOO_LONG));
    assertThat(sim.calls()).hasSize(1);
  }

  @Test
  void retryAfterLongerThanTheLongestInPlaceWaitFallsBackWithoutWaiting() throws Exception {
    sim.rateLimited(Duration.ofMinutes(10));

    JobOutcome outcome =
        processor.process(routed(request("team-a").build(), "sim-mini", SIM_LARGE), chunks::add);

    assertThat(outcome).isInstanceOf(JobOutcome.Forwarded.class);
    assertThat(sim.calls()).hasSize(1);
  }

  @Test
  void brokenAccountOrMissingModelFallsBackAlongTheChainInsteadOfFailing() throws Exception {
    for (ErrorCode code :
        List.of(ErrorCode.AUTHENTICATION, ErrorCode.PERMISSION_DENIED, ErrorCode.MODEL_NOT_FOUND)) {
      sim.fails(1, code, false, 403, "sim refused: " + code);

      JobOutcome outcome =
          processor.process(routed(request("team-a").build(), "sim-mini", SIM_LARGE), chunks::add);

      assertThat(outcome).as(code.name()).isInstanceOf(JobOutcome.Forwarded.class);
      RoutedRequest next = ((JobOutcome.Forwarded) outcome).next();
      assertThat(next.getDecision().getReason())
          .contains("fallback from sim/sim-mini after " + code);
    }
  }

  @Test
  void nonRetryableErrorWithNowhereToFallBackFailsWithDeadLetterCarryingAttemptsAndNoApiKey()
      throws Exception {
    sim.fails(
        1,
        ErrorCode.AUTHENTICATION,
        false,
        401,
        "sim rejected the API key (HTTP 401); check the key configured for sim");
    CompletionRequest request = request("team-a").build();

    JobOutcome outcome = processor.process(routed(request, "sim-mini"), chunks::add);

    JobOutcome.Finished failed = finished(outcome);
    assertThat(failed.result().getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(failed.result().getError().getCode()).isEqualTo(ErrorCode.AUTHENTICATION);
    assertThat(failed.result().getError().getRetryable()).isFalse();
    assertThat(failed.result().getError().getProviderStatus()).isEqualTo(401);
    assertThat(failed.result().getAttempts()).isEqualTo(1);

    DeadLetter letter = failed.deadLetter();
    assertThat(letter.getRequestId()).isEqualTo(request.getId());
    assertThat(letter.getTeam()).isEqualTo("team-a");
    assertThat(letter.getProvider()).isEqualTo("sim");
    assertThat(letter.getErrorCode()).isEqualTo(ErrorCode.AUTHENTICATION);
    assertThat(letter.getAttempts()).isEqualTo(1);
    assertThat(letter.getFirstAttemptAt()).isNotNull();
    assertThat(letter.getLastAttemptAt()).isNotNull();
    assertThat(letter.getHeaders()).isEmpty();
    RoutedRequest replayable = decode(letter.getValue());
    assertThat(replayable.getRequest()).isEqualTo(request);
    assertThat(replayable.getAttempts())
        .singleElement()
        .satisfies(
            attempt -> assertThat(attempt.getErrorCode()).isEqualTo(ErrorCode.AUTHENTICATION));
    assertThat(letter.toString() + replayable)
        .doesNotContain("sk-")
        .doesNotContainIgnoringCase("bearer")
        .doesNotContainIgnoringCase("authorization");
    assertThat(outcome.usage())
        .singleElement()
        .satisfies(event -> assertThat(event.getErrorCode()).isEqualTo(ErrorCode.AUTHENTICATION));
    assertThat(sim.calls()).hasSize(1);
  }

  @Test
  void aFailedResultNamesTheModelOfItsLastAttemptAndHowLongTheJobTook() throws Exception {
    Attempt earlierHop =
        new Attempt(
            "openai",
            "gpt-4o-mini",
            clock.instant().minusSeconds(5),
            clock.instant().minusSeconds(4),
            ErrorCode.TIMEOUT,
            "openai: timed out");
    sim.then(
        (request, chunks) -> {
          clock.advance(Duration.ofMillis(1_500));
          throw new ProviderException(
              ErrorCode.CONTENT_POLICY,
              false,
              400,
              "sim: the prompt was refused",
              RateLimits.UNKNOWN,
              null);
        });
    RoutedRequest job =
        new RoutedRequest(request("team-a").build(), decision("sim-mini"), List.of(earlierHop));

    CompletionResult result = finished(processor.process(job, chunks::add)).result();

    assertThat(result.getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(result.getProvider()).isEqualTo("sim");
    assertThat(result.getModel()).isEqualTo("sim-mini");
    assertThat(result.getLatencyMillis()).isEqualTo(1_500);
    assertThat(result.getAttempts()).isEqualTo(2);
    assertThat(result.getCompletedAt()).isEqualTo(clock.instant());
  }

  @Test
  void aRequestTheAdapterRefusedBeforeSendingFailsAsAnInvalidRequestOfThatModel() throws Exception {
    sim.then(
        (request, chunks) -> {
          throw new ProviderException(
              ErrorCode.INVALID_REQUEST,
              false,
              null,
              "sim-mini accepts temperature from 0 to 1; the request asks for 1.5",
              RateLimits.UNKNOWN,
              null);
        });

    CompletionResult result =
        finished(processor.process(routed(request("team-a").build(), "sim-mini"), chunks::add))
            .result();

    assertThat(result.getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(result.getError().getProviderStatus()).isNull();
    assertThat(result.getProvider()).isEqualTo("sim");
    assertThat(result.getModel()).isEqualTo("sim-mini");
  }

  @Test
  void aJobThatNeverGotToAProviderFailsNamingNone() throws Exception {
    RoutedRequest job =
        new RoutedRequest(request("team-a").build(), decision("sim-gigantic"), List.of());

    CompletionResult result = finished(processor.process(job, chunks::add)).result();

    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.UNKNOWN_MODEL);
    assertThat(result.getProvider()).isNull();
    assertThat(result.getModel()).isNull();
    assertThat(result.getAttempts()).isZero();
  }

  @Test
  void retryableErrorsWithNowhereToFallBackAreParkedOnTheRetryTopicWhileAttemptsRemain()
      throws Exception {
    sim.fails(MAX_ATTEMPTS, ErrorCode.TIMEOUT, true, 504, "sim: no answer within 60 s");

    JobOutcome outcome =
        processor.process(routed(request("team-a").build(), "sim-mini"), chunks::add);

    JobOutcome.Deferred deferred = (JobOutcome.Deferred) outcome;
    assertThat(deferred.job().getAttempts()).hasSize(MAX_ATTEMPTS);
    assertThat(deferred.dueAt()).isAfterOrEqualTo(clock.instant());
    assertThat(outcome.usage()).hasSize(MAX_ATTEMPTS);
    assertThat(sim.calls()).hasSize(MAX_ATTEMPTS);
  }

  @Test
  void retryableErrorThatUsedEveryAllowedAttemptFailsWithDeadLetter() throws Exception {
    sim.fails(MAX_ATTEMPTS, ErrorCode.TIMEOUT, true, 504, "sim: no answer within 60 s");
    processor =
        new JobProcessor(
            CATALOG,
            name -> sim,
            cache,
            ledger,
            PublishedResults.NONE,
            new JobPolicy(
                MAX_ATTEMPTS,
                MAX_ATTEMPTS,
                policy.backoff(),
                policy.cacheTtl(),
                policy.resultTtl()),
            CallGuard.NONE,
            WorkerMetrics.noop(),
            clock,
            OutcomePublisher.PUBLISHING_GRACE,
            SemanticAnswers.off(),
            JobTracing.OFF,
            OutputModeration.localOnly());

    JobOutcome outcome =
        processor.process(routed(request("team-a").build(), "sim-mini"), chunks::add);

    JobOutcome.Finished failed = finished(outcome);
    assertThat(failed.result().getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(failed.result().getError().getCode()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(failed.result().getError().getRetryable()).isTrue();
    assertThat(failed.result().getAttempts()).isEqualTo(MAX_ATTEMPTS);
    assertThat(failed.deadLetter().getAttempts()).isEqualTo(MAX_ATTEMPTS);
    assertThat(decode(failed.deadLetter().getValue()).getAttempts()).hasSize(MAX_ATTEMPTS);
    assertThat(outcome.usage()).hasSize(MAX_ATTEMPTS);
    assertThat(sim.calls()).hasSize(MAX_ATTEMPTS);
  }

  @Test
  void modelMissingFromCatalogFailsWithoutProviderCallAndKeepsAttemptHistory() throws Exception {
    Attempt earlierHop =
        new Attempt(
            "sim",
            "sim-mini",
            clock.instant().minusSeconds(2),
            clock.instant().minusSeconds(1),
            ErrorCode.OVERLOADED,
            "sim: overloaded");
    RoutedRequest job =
        new RoutedRequest(request("team-a").build(), decision("sim-gigantic"), List.of(earlierHop));

    JobOutcome outcome = processor.process(job, chunks::add);

    JobOutcome.Finished failed = finished(outcome);
    assertThat(failed.result().getError().getCode()).isEqualTo(ErrorCode.UNKNOWN_MODEL);
    assertThat(failed.result().getError().getMessage()).contains("sim/sim-gigantic");
    assertThat(failed.result().getAttempts()).isEqualTo(1);
    assertThat(failed.deadLetter().getAttempts()).isEqualTo(1);
    assertThat(decode(failed.deadLetter().getValue()).getAttempts()).containsExactly(earlierHop);
    assertThat(sim.calls()).isEmpty();
  }

  // Guard verdicts

  @Test
  void everyResultOfAJobCarriesItsOwnGuardVerdictsNeverACachedAnswers() throws Exception {
    sim.answers("Paris.", USAGE);
    List<DetectorVerdict> verdicts =
        List.of(
            new DetectorVerdict("email", "redact", 1, 0.98),
            new DetectorVerdict("injection", "flag", 1, 0.7));

    CompletionResult answered =
        finished(processor.process(guarded(verdicts), chunks::add)).result();
    CompletionResult fromCache =
        finished(processor.process(guarded(List.of()), chunks::add)).result();
    CompletionResult unguarded = finished(processor.process(guarded(null), chunks::add)).result();

    assertThat(answered.getGuard()).isEqualTo(verdicts);
    assertThat(fromCache.getCached()).isTrue();
    assertThat(fromCache.getGuard()).isEmpty();
    assertThat(unguarded.getCached()).isTrue();
    assertThat(unguarded.getGuard()).isNull();
  }

  @Test
  void aFailedJobsResultCarriesItsGuardVerdicts() throws Exception {
    sim.fails(MAX_ATTEMPTS, ErrorCode.INVALID_REQUEST, false, 400, "bad request");
    List<DetectorVerdict> verdicts = List.of(new DetectorVerdict("card", "redact", 2, 0.95));

    CompletionResult failed = finished(processor.process(guarded(verdicts), chunks::add)).result();

    assertThat(failed.getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(failed.getGuard()).isEqualTo(verdicts);
  }

  // Semantic cache

  @Test
  void aRewordedQuestionIsAnsweredFromTheSemanticCacheSayingSoWithTheSavedCost() throws Exception {
    sim.answers("Paris.", USAGE);
    JobProcessor semantic = semanticProcessor();
    CompletionResult paid =
        finished(semantic.process(semanticJob("What is the capital of France?"), chunks::add))
            .result();

    RoutedRequest reworded = semanticJob("Which city is the capital of France?");
    JobOutcome outcome = semantic.process(reworded, chunks::add);

    CompletionResult hit = finished(outcome).result();
    assertThat(hit.getId()).isEqualTo(reworded.getRequest().getId());
    assertThat(hit.getCached()).isTrue();
    assertThat(hit.getCacheMatch()).isEqualTo("semantic");
    assertThat(hit.getReusedRequestId()).isEqualTo(paid.getId());
    assertThat(hit.getSimilarity()).isBetween(0.85, 1.0);
    assertThat(hit.getOutput().getText()).isEqualTo("Paris.");
    assertThat(hit.getCostMicros()).isZero();
    assertThat(outcome.usage())
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getCached()).isTrue();
              assertThat(event.getSavedCostMicros()).isEqualTo(paid.getCostMicros()).isPositive();
            });
    assertThat(sim.calls()).hasSize(1);
  }

  @Test
  void aSemanticHitCountsOnceAmongCacheLookupsNotAsAMissAndAHit() throws Exception {
    sim.answers("Paris.", USAGE);
    WorkerMetrics metrics = WorkerMetrics.of(new SimpleMeterRegistry());
    JobProcessor semantic = semanticProcessor(metrics);
    semantic.process(semanticJob("What is the capital of France?"), chunks::add);

    semantic.process(semanticJob("Which city is the capital of France?"), chunks::add);

    MeterRegistry registry = metrics.registry();
    assertThat(registry.get("promptyard.worker.cache").tag("result", "miss").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("promptyard.worker.cache").tag("result", "hit").counter().count())
        .isEqualTo(1);
    assertThat(
            registry.get("promptyard.worker.semantic.cache").tag("result", "hit").counter().count())
        .isEqualTo(1);
  }

  @Test
  void aNearMissAnotherTeamAndAStricterThresholdGoToTheProvider() throws Exception {
    sim.answers("About 3.1 miles.", USAGE)
        .answers("About 5 miles.", USAGE)
        .answers("About 3.1 miles.", USAGE)
        .answers("About 3.1 miles.", USAGE);
    JobProcessor semantic = semanticProcessor();
    semantic.process(semanticJob("How many miles is 5 km?"), chunks::add);

    CompletionResult nearMiss =
        finished(semantic.process(semanticJob("How many miles is 8 km?"), chunks::add)).result();
    CompletionRequest otherTeam =
        semanticRequest("How many miles are 5 km?").setTeam("team-b").build();
    CompletionResult teamB =
        finished(semantic.process(routed(otherTeam, "sim-mini"), chunks::add)).result();
    CompletionRequest strict =
        semanticRequest("How many miles are 5 km?")
            .setCache(
                CachePolicy.newBuilder().setMode(CacheMode.SEMANTIC).setMinSimilarity(1.0).build())
            .build();
    CompletionResult strictResult =
        finished(semantic.process(routed(strict, "sim-mini"), chunks::add)).result();

    assertThat(List.of(nearMiss, teamB, strictResult))
        .allSatisfy(r -> assertThat(r.getCached()).isFalse());
    assertThat(nearMiss.getOutput().getText()).isEqualTo("About 5 miles.");
    assertThat(sim.calls()).hasSize(4);
  }

  @Test
  void withTheSemanticCacheOffASemanticRequestIsServedByTheExactCacheAlone() throws Exception {
    sim.answers("Paris.", USAGE).answers("Paris, still.", USAGE);
    processor.process(semanticJob("What is the capital of France?"), chunks::add);

    CompletionResult same =
        finished(processor.process(semanticJob("What is the capital of France?"), chunks::add))
            .result();
    CompletionResult reworded =
        finished(
                processor.process(semanticJob("Which city is the capital of France?"), chunks::add))
            .result();

    assertThat(same.getCacheMatch()).isEqualTo("exact");
    assertThat(reworded.getCached()).isFalse();
    assertThat(sim.calls()).hasSize(2);
  }

  // Shadow verification of semantic hits

  @Test
  void aShadowedSemanticHitAnswersFromTheCacheAndItsFreshAnswerIsComparedAndBilledAsShadow()
      throws Exception {
    List<UsageEvent> shadowUsage = new ArrayList<>();
    List<Runnable> later = new ArrayList<>();
    JobProcessor semantic =
        semanticProcessor(
            WorkerMetrics.noop(),
            new SemanticAnswers.Shadowing(
                new ShadowSettings(0, Map.of("team-a", 1.0)),
                SemanticPauses.NONE,
                shadowUsage::add,
                later::add));
    sim.answers("Paris is the capital of France.", USAGE)
        .answers("Berlin is the capital of Germany.", USAGE);
    semantic.process(semanticJob("What is the capital of France?"), chunks::add);
    RoutedRequest reworded = semanticJob("Which city is the capital of France?");

    CompletionResult hit = finished(semantic.process(reworded, chunks::add)).result();

    // answered from the cache before the shadow call is made
    assertThat(hit.getCacheMatch()).isEqualTo("semantic");
    assertThat(hit.getOutput().getText()).isEqualTo("Paris is the capital of France.");
    assertThat(sim.calls()).hasSize(1);
    assertThat(later).hasSize(1);

    later.getFirst().run();

    assertThat(sim.calls()).hasSize(2);
    assertThat(sim.calls().get(1).request().requestId()).isEqualTo(reworded.getRequest().getId());
    assertThat(shadowUsage)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getShadow()).isTrue();
              assertThat(e.getEventId()).isEqualTo(reworded.getRequest().getId() + ":shadow:1");
              assertThat(e.getCached()).isFalse();
              assertThat(e.getCostMicros()).isPositive();
              assertThat(e.getAnswersAgree()).isFalse();
              assertThat(e.getAnswerSimilarity()).isLessThan(0.75);
            });
  }

  @Test
  void hitsNotChosenAndExactHitsAreNeverShadowed() throws Exception {
    List<Runnable> later = new ArrayList<>();
    JobProcessor semantic =
        semanticProcessor(
            WorkerMetrics.noop(),
            new SemanticAnswers.Shadowing(
                new ShadowSettings(1.0, Map.of("team-a", 0.0)),
                SemanticPauses.NONE,
                e -> {},
                later::add));
    sim.answers("Paris.", USAGE);
    RoutedRequest first = semanticJob("What is the capital of France?");
    semantic.process(first, chunks::add);

    semantic.process(semanticJob("Which city is the capital of France?"), chunks::add);
    RoutedRequest otherTeam =
        routed(
            semanticRequest("What is the capital of France?").setTeam("team-b").build(),
            "sim-mini");
    sim.answers("Paris.", USAGE);
    semantic.process(otherTeam, chunks::add);
    CompletionResult exact =
        finished(
                semantic.process(
                    routed(
                        semanticRequest("What is the capital of France?").setTeam("team-b").build(),
                        "sim-mini"),
                    chunks::add))
            .result();

    assertThat(exact.getCacheMatch()).isEqualTo("exact");
    assertThat(later).isEmpty();
  }

  @Test
  void aPausedTeamsWouldBeHitIsAnsweredByTheProviderSayingWhyAndComparedAtNoExtraCost()
      throws Exception {
    String topic = "promptyard.semantic-pauses";
    MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    TopicPartition partition = new TopicPartition(topic, 0);
    consumer.updatePartitions(
        topic, List.of(new PartitionInfo(topic, 0, null, new Node[0], new Node[0])));
    consumer.updateBeginningOffsets(Map.of(partition, 0L));
    SemanticPause pause =
        SemanticPause.newBuilder()
            .setTeam("team-a")
            .setPaused(true)
            .setDecidedBy("aggregator")
            .setReason("semantic mode paused: observed false-hit rate 25.0%")
            .setDecidedAt(clock.instant())
            .build();
    consumer.schedulePollTask(
        () ->
            consumer.addRecord(
                new ConsumerRecord<>(
                    topic, 0, 0, "team-a", AvroSerde.of(SemanticPause.class).encode(pause))));
    try (SemanticPauses pauses = new SemanticPauses(consumer, topic)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> pauses.of("team-a").isPresent());
      JobProcessor semantic =
          semanticProcessor(
              WorkerMetrics.noop(),
              new SemanticAnswers.Shadowing(ShadowSettings.NONE, pauses, e -> {}, Runnable::run));
      sim.answers("Paris is the capital of France.", USAGE)
          .answers("The capital of France is Paris.", USAGE);
      CompletionResult paid =
          finished(semantic.process(semanticJob("What is the capital of France?"), chunks::add))
              .result();

      JobOutcome outcome =
          semantic.process(semanticJob("Which city is the capital of France?"), chunks::add);

      CompletionResult answered = finished(outcome).result();
      assertThat(answered.getCached()).isFalse();
      assertThat(answered.getCacheMatch()).isNull();
      assertThat(answered.getOutput().getText()).isEqualTo("The capital of France is Paris.");
      assertThat(answered.getCacheNote())
          .isEqualTo(
              "a cached answer to a similar prompt (request "
                  + paid.getId()
                  + ") was not used: semantic mode paused: observed false-hit rate 25.0%");
      assertThat(sim.calls()).hasSize(2);
      // the paid call carries the comparison, and stays a request of its own
      assertThat(outcome.usage())
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.getShadow()).isFalse();
                assertThat(e.getCostMicros()).isPositive();
                assertThat(e.getAnswersAgree()).isTrue();
              });
    }
  }

  // Fixtures

  /** all-MiniLM-L6-v2, loaded once for the tests that need it. */
  private static final LazyEmbedder MINI_LM = LazyEmbedder.miniLm();

  /** A processor whose semantic cache is of this worker only (no topic). */
  private JobProcessor semanticProcessor() {
    return semanticProcessor(WorkerMetrics.noop());
  }

  private JobProcessor semanticProcessor(WorkerMetrics metrics) {
    return semanticProcessor(metrics, SemanticAnswers.Shadowing.OFF);
  }

  private JobProcessor semanticProcessor(
      WorkerMetrics metrics, SemanticAnswers.Shadowing shadowing) {
    SemanticCache index =
        new SemanticCache(
            MINI_LM, SemanticCacheConfig.defaults().withRefreshInterval(Duration.ZERO), clock);
    return new JobProcessor(
        CATALOG,
        name -> sim,
        cache,
        ledger,
        PublishedResults.NONE,
        policy,
        CallGuard.NONE,
        metrics,
        clock,
        OutcomePublisher.PUBLISHING_GRACE,
        new SemanticAnswers(index, null, metrics, clock, shadowing),
        JobTracing.OFF,
        OutputModeration.localOnly());
  }

  private RoutedRequest semanticJob(String question) {
    return routed(semanticRequest(question).build(), "sim-mini");
  }

  private static CompletionRequest.Builder semanticRequest(String question) {
    return request("team-a")
        .setMessages(List.of(Message.newBuilder().setRole(Role.USER).setText(question).build()))
        .setCache(policy(CacheMode.SEMANTIC));
  }

  /** A job for sim-mini whose routing decision carries the router's guard {@code verdicts}. */
  private RoutedRequest guarded(List<DetectorVerdict> verdicts) {
    return new RoutedRequest(
        request("team-a").build(),
        RoutingDecision.newBuilder(decision("sim-mini")).setGuard(verdicts).build(),
        List.of());
  }

  private JobProcessor processorWith(ResponseCache responseCache) {
    return new JobProcessor(
        CATALOG,
        name -> {
          if (!name.equals("sim")) {
            throw new AssertionError(
                "the worker asked for provider " + name + "; only sim is scripted");
          }
          return sim;
        },
        responseCache,
        ledger,
        PublishedResults.NONE,
        policy,
        CallGuard.NONE,
        WorkerMetrics.noop(),
        clock,
        OutcomePublisher.PUBLISHING_GRACE,
        SemanticAnswers.off(),
        JobTracing.OFF,
        OutputModeration.localOnly());
  }

  /**
   * A request with a fresh id and the same question each time, so identical requests differ only by
   * id.
   */
  private static CompletionRequest.Builder request(String team) {
    return CompletionRequest.newBuilder()
        .setId("req-" + UUID.randomUUID())
        .setTeam(team)
        .setModel("cheap")
        .setMessages(
            List.of(
                Message.newBuilder()
                    .setRole(Role.SYSTEM)
                    .setText("Answer in one sentence.")
                    .build(),
                Message.newBuilder()
                    .setRole(Role.USER)
                    .setText("What is the capital of France?")
                    .build()));
  }

  private RoutedRequest routed(CompletionRequest request, String model, ModelRef... fallbacks) {
    return new RoutedRequest(request, decision(model, fallbacks), List.of());
  }

  private RoutingDecision decision(String model, ModelRef... fallbacks) {
    return RoutingDecision.newBuilder()
        .setProvider("sim")
        .setModel(model)
        .setFallbackChain(List.of(fallbacks))
        .setReason("test routes to sim/" + model)
        .setRoutedAt(clock.instant())
        .build();
  }

  private static CachePolicy policy(CacheMode mode) {
    return CachePolicy.newBuilder().setMode(mode).build();
  }

  private static CachePolicy shared() {
    return CachePolicy.newBuilder().setScope(CacheScope.SHARED).build();
  }

  private static JobOutcome.Finished finished(JobOutcome outcome) {
    assertThat(outcome).isInstanceOf(JobOutcome.Finished.class);
    return (JobOutcome.Finished) outcome;
  }

  private static RoutedRequest decode(ByteBuffer value) {
    byte[] bytes = new byte[value.remaining()];
    value.duplicate().get(bytes);
    return AvroSerde.of(RoutedRequest.class).decode(bytes);
  }
}

package io.promptyard.worker.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.ModerationProvider;
import io.promptyard.providers.ModerationVerdict;
import io.promptyard.providers.ProviderException;
import io.promptyard.schemas.CompletionChunk;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DetectorVerdict;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.tracing.JobTracing;
import io.promptyard.worker.cache.CacheKey;
import io.promptyard.worker.cache.InMemoryResponseCache;
import io.promptyard.worker.cache.SemanticAnswers;
import io.promptyard.worker.guard.CallGuard;
import io.promptyard.worker.idempotency.InMemoryResultLedger;
import io.promptyard.worker.idempotency.PublishedResults;
import io.promptyard.worker.metrics.WorkerMetrics;
import io.promptyard.worker.moderation.AnswerRestore;
import io.promptyard.worker.moderation.OutputModeration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Output moderation in the worker: an answer is checked after the provider answered and before its
 * result is published or cached, under the action the router put on the job's routing decision.
 */
class OutputModerationTest {

  private static final ModelCatalog CATALOG = ModelCatalog.bundled();
  private static final Usage USAGE = new Usage(100, 40, 0, 0);
  private static final String EMAIL = "jane.doe@example.com";
  private static final String CARD = "4111 1111 1111 1111";
  private static final String LEAKY = "Her address is " + EMAIL + " and her card " + CARD + ".";
  private static final List<DetectorVerdict> INPUT_VERDICTS =
      List.of(new DetectorVerdict("phone", "redact", 1, 0.9));

  private final TestClock clock = new TestClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final ScriptedProvider sim = new ScriptedProvider("sim");
  private final InMemoryResponseCache cache = new InMemoryResponseCache(clock);
  private final List<CompletionChunk> chunks = new ArrayList<>();
  @RegisterExtension final CapturedLogs logs = new CapturedLogs();

  @Test
  void flagMarksTheResultAndLeavesTheAnswer() throws Exception {
    sim.answers(LEAKY, USAGE);

    CompletionResult result = answer(job("flag"), OutputModeration.localOnly());

    assertThat(result.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(result.getOutput().getText()).isEqualTo(LEAKY);
    assertThat(result.getGuard())
        .extracting(
            DetectorVerdict::getDetector, DetectorVerdict::getAction, DetectorVerdict::getCount)
        .containsExactly(tuple("phone", "redact", 1), tuple("output_pii", "flag", 2));
  }

  @Test
  void redactReplacesTheValuesInTheAnswerByPlaceholders() throws Exception {
    sim.answers(LEAKY, USAGE);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    CompletionResult result =
        answer(
            job("redact"),
            new OutputModeration(Optional.empty(), false, WorkerMetrics.of(registry)));

    assertThat(result.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(result.getOutput().getText())
        .isEqualTo("Her address is [EMAIL_1] and her card [CARD_1].");
    assertThat(encoded(result)).doesNotContain(EMAIL, "4111");
    assertThat(result.getGuard())
        .extracting(DetectorVerdict::getDetector, DetectorVerdict::getAction)
        .contains(tuple("output_pii", "redact"));
    assertThat(
            registry
                .get("promptyard.worker.output.moderation")
                .tags("detector", "output_pii", "action", "redact")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void phoneNumbersInTheAnswerAreReadInTheRegionOfTheTeamsPolicy() throws Exception {
    // A London number as written in Britain: valid in the British plan, not in the American one.
    String answer = "Call her on 020 7946 0958 after six.";
    sim.answers(answer, USAGE);
    RoutedRequest british = job("redact");
    british =
        new RoutedRequest(
            british.getRequest(),
            RoutingDecision.newBuilder(british.getDecision()).setPhoneRegion("GB").build(),
            british.getAttempts());

    CompletionResult inBritain = answer(british, OutputModeration.localOnly());
    sim.answers(answer, USAGE);
    // A decision without a region (from a router before it carried one) is read as US.
    CompletionResult unnamed = answer(job("redact"), OutputModeration.localOnly());

    assertThat(inBritain.getOutput().getText()).isEqualTo("Call her on [PHONE_1] after six.");
    assertThat(unnamed.getOutput().getText()).isEqualTo(answer);
  }

  @Test
  void blockWithholdsTheAnswerWithAnErrorNamingTheDetectorNeverTheValue() throws Exception {
    sim.answers(LEAKY, USAGE);
    RoutedRequest job = job("block");

    JobOutcome.Finished outcome = finished(processor(OutputModeration.localOnly()), job);
    CompletionResult result = outcome.result();

    assertThat(result.getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(result.getOutput()).isNull();
    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.CONTENT_POLICY);
    assertThat(result.getError().getRetryable()).isFalse();
    assertThat(result.getError().getMessage())
        .contains("output_pii", "CARD", "EMAIL", "not published")
        .doesNotContain(EMAIL, "4111");
    assertThat(result.getGuard())
        .extracting(DetectorVerdict::getDetector, DetectorVerdict::getAction)
        .containsExactly(tuple("phone", "redact"), tuple("output_pii", "block"));
    // The call was made and paid for: its usage is published; nothing to replay, no dead letter.
    assertThat(outcome.usage()).hasSize(1);
    assertThat(outcome.usage().getFirst().getCostMicros()).isPositive();
    assertThat(outcome.deadLetter()).isNull();
    assertThat(encoded(result)).doesNotContain(EMAIL, "4111");
    assertThat(logs.events())
        .extracting(ILoggingEvent::getFormattedMessage)
        .isNotEmpty()
        .noneMatch(line -> line.contains(EMAIL) || line.contains("4111"));
  }

  @Test
  void anAnswerModerationFoundSomethingInIsNeverCached() throws Exception {
    for (String action : List.of("flag", "redact", "block")) {
      sim.answers(LEAKY, USAGE);
      RoutedRequest job = job(action);

      answer(job, OutputModeration.localOnly());

      assertThat(cache.get(CacheKey.of(job.getRequest(), "sim", "sim-mini")))
          .as("cache entry after %s", action)
          .isEmpty();
    }
  }

  @Test
  void withoutOutputModerationTheAnswerGoesOnUncheckedAndACacheHitIsModeratedUnderItsOwnJob()
      throws Exception {
    sim.answers(LEAKY, USAGE);
    JobProcessor processor = processor(OutputModeration.localOnly());

    CompletionResult unmoderated = finished(processor, job(null)).result();
    CompletionResult hit = finished(processor, job("block")).result();

    assertThat(unmoderated.getOutput().getText()).isEqualTo(LEAKY);
    assertThat(unmoderated.getGuard()).isEqualTo(INPUT_VERDICTS);
    assertThat(sim.calls()).hasSize(1);
    assertThat(hit.getCached()).isTrue();
    assertThat(hit.getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(hit.getOutput()).isNull();
    assertThat(hit.getError().getCode()).isEqualTo(ErrorCode.CONTENT_POLICY);
  }

  @Test
  void aStreamedAnswersChunksAreSentAsTheyComeAndOnlyItsFinalResultIsWithheld() throws Exception {
    sim.streams(USAGE, "Her address is ", EMAIL, ".");
    RoutedRequest blocking = job("block");
    RoutedRequest job =
        withRequest(blocking, CompletionRequest.newBuilder(blocking.getRequest()).setStream(true));

    CompletionResult result = answer(job, OutputModeration.localOnly());

    assertThat(chunks)
        .extracting(CompletionChunk::getTextDelta)
        .containsExactly("Her address is ", EMAIL, ".");
    assertThat(result.getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(result.getOutput()).isNull();
    assertThat(result.getError().getMessage()).contains("output_pii").doesNotContain(EMAIL);
  }

  @Test
  void theModerationEndpointsCategoriesAreMarkedUnderFlagAndRedactAndWithheldUnderBlock()
      throws Exception {
    ModerationProvider endpoint =
        (id, text) ->
            text.contains("[unsafe]")
                ? new ModerationVerdict(true, List.of("violence"), 0.97)
                : new ModerationVerdict(false, List.of(), 0.01);
    OutputModeration moderation = new OutputModeration(Optional.of(endpoint), false);

    sim.answers("A calm answer.", USAGE);
    CompletionResult calm = answer(job("block", "Say something calm."), moderation);
    sim.answers("An [unsafe] answer.", USAGE);
    CompletionResult redacted = answer(job("redact"), moderation);
    sim.answers("An [unsafe] answer.", USAGE);
    CompletionResult blocked = answer(job("block"), moderation);

    assertThat(calm.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(calm.getGuard()).isEqualTo(INPUT_VERDICTS);
    assertThat(redacted.getOutput().getText()).isEqualTo("An [unsafe] answer.");
    assertThat(redacted.getGuard())
        .extracting(
            DetectorVerdict::getDetector, DetectorVerdict::getAction, DetectorVerdict::getScore)
        .contains(tuple("output_moderation", "flag", 0.97));
    assertThat(blocked.getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(blocked.getError().getMessage()).contains("output_moderation flagged violence");
  }

  @Test
  void anAnswerTheEndpointCouldNotCheckGoesOnOrIsWithheldAsConfigured() throws Exception {
    ModerationProvider down =
        (id, text) -> {
          throw new ProviderException(ErrorCode.OVERLOADED, true, 503, "down", null, null);
        };

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    sim.answers("A calm answer.", USAGE);
    CompletionResult allowed =
        answer(
            job("block"),
            new OutputModeration(Optional.of(down), false, WorkerMetrics.of(registry)));
    sim.answers("A calm answer.", USAGE);
    CompletionResult withheld =
        answer(job("block", "Another question."), new OutputModeration(Optional.of(down), true));

    assertThat(allowed.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(withheld.getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(withheld.getError().getMessage()).contains("could not check", "OVERLOADED");
    assertThat(
            registry
                .get("promptyard.worker.output.moderation.errors")
                .tag("code", "OVERLOADED")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  private CompletionResult answer(RoutedRequest job, OutputModeration moderation)
      throws InterruptedException {
    return finished(processor(moderation), job).result();
  }

  private JobOutcome.Finished finished(JobProcessor processor, RoutedRequest job)
      throws InterruptedException {
    return finished(processor, job, chunks);
  }

  /**
   * What {@code processor} made of {@code job}: a terminal result; its chunks go to {@code chunks}.
   */
  static JobOutcome.Finished finished(
      JobProcessor processor, RoutedRequest job, List<CompletionChunk> chunks)
      throws InterruptedException {
    JobOutcome outcome = processor.process(job, chunks::add);
    assertThat(outcome).isInstanceOf(JobOutcome.Finished.class);
    return (JobOutcome.Finished) outcome;
  }

  private JobProcessor processor(OutputModeration moderation) {
    return processor(sim, cache, clock, moderation, AnswerRestore.NO_KEY);
  }

  /**
   * A processor of one attempt per job calling {@code sim}, caching in {@code cache}, whose answers
   * pass {@code moderation} and then {@code restore}.
   */
  static JobProcessor processor(
      ScriptedProvider sim,
      InMemoryResponseCache cache,
      TestClock clock,
      OutputModeration moderation,
      AnswerRestore restore) {
    return new JobProcessor(
        CATALOG,
        name -> sim,
        cache,
        new InMemoryResultLedger(),
        PublishedResults.NONE,
        new JobPolicy(
            1,
            new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)),
            Duration.ofHours(1),
            Duration.ofDays(7)),
        CallGuard.NONE,
        WorkerMetrics.noop(),
        clock,
        OutcomePublisher.PUBLISHING_GRACE,
        SemanticAnswers.off(),
        JobTracing.OFF,
        moderation.withRestore(restore));
  }

  /**
   * A job of team-a for sim/sim-mini, with the same question each time, whose routing decision asks
   * for output moderation {@code action} (null: none, as from a router without a guard).
   */
  private RoutedRequest job(String action) {
    return job(action, "Where do I reach the customer?");
  }

  /** {@link #job(String)} asking {@code question}. */
  private RoutedRequest job(String action, String question) {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId("req-" + UUID.randomUUID())
            .setTeam("team-a")
            .setModel("cheap")
            .setMessages(List.of(Message.newBuilder().setRole(Role.USER).setText(question).build()))
            .build();
    RoutingDecision decision =
        RoutingDecision.newBuilder()
            .setProvider("sim")
            .setModel("sim-mini")
            .setReason("test routes to sim/sim-mini")
            .setRoutedAt(clock.instant())
            .setGuard(INPUT_VERDICTS)
            .setOutputModeration(action)
            .build();
    return new RoutedRequest(request, decision, List.of());
  }

  private static RoutedRequest withRequest(RoutedRequest job, CompletionRequest.Builder request) {
    return new RoutedRequest(request.build(), job.getDecision(), job.getAttempts());
  }

  private static String encoded(CompletionResult result) {
    return new String(
        AvroSerde.of(CompletionResult.class).encode(result), StandardCharsets.ISO_8859_1);
  }
}

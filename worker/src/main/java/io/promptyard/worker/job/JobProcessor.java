package io.promptyard.worker.job;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.providers.ChatProvider;
import io.promptyard.schemas.CompletionChunk;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.tracing.JobTracing;
import io.promptyard.worker.cache.CachedResults;
import io.promptyard.worker.cache.ResponseCache;
import io.promptyard.worker.cache.SemanticAnswers;
import io.promptyard.worker.cache.SingleFlight;
import io.promptyard.worker.guard.CallGuard;
import io.promptyard.worker.idempotency.IdempotencyProtocol;
import io.promptyard.worker.idempotency.IdempotencyProtocol.Admission;
import io.promptyard.worker.idempotency.PublishedResults;
import io.promptyard.worker.idempotency.RequestFingerprint;
import io.promptyard.worker.idempotency.ResultLedger;
import io.promptyard.worker.metrics.WorkerMetrics;
import io.promptyard.worker.moderation.OutputModeration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Handles one routed job from start to outcome: the ledger's word on its id ({@link
 * IdempotencyProtocol}), its deadline, the model's capabilities, and then its answer: from a cache,
 * an identical call in flight or the provider's attempts ({@link AnswerSource}). It publishes
 * nothing itself except streamed chunks; the caller publishes the outcome, between {@link
 * #markPublishing} and {@link #markPublished}.
 */
public final class JobProcessor {

  private final ModelCatalog catalog;
  private final JobPolicy policy;
  private final IdempotencyProtocol idempotency;
  private final Outcomes outcomes;
  private final CapabilityCheck capabilities;
  private final AnswerSource answers;
  private final WorkerMetrics metrics;
  private final Clock clock;
  private final JobTracing tracing;
  private final OutputModeration moderation;

  /**
   * @param providers the adapter of each provider, by name
   * @param cache where answers are cached, and identical calls claimed
   * @param published read when a worker died between publishing a result and recording it in the
   *     ledger
   * @param guard admits every provider call (rate limits, circuit breakers), is told how it ended
   * @param metrics told about jobs, calls, cache lookups and cost
   * @param publishingGrace how long a result whose publishing began is awaited before it is looked
   *     for ({@link OutcomePublisher#publishingGrace}): past the publishing producer's delivery
   *     timeout
   * @param semantic answers {@code metadata.cache.mode: "semantic"} requests after the exact cache
   *     missed; {@link SemanticAnswers#off()} leaves them to the exact cache
   * @param tracing makes the job's steps (cache lookup, rate-limit wait, each provider call,
   *     back-off, fallback) spans, children of the span current when {@link #process} is called;
   *     {@link JobTracing#OFF} makes none
   * @param moderation what answers pass before they are published or cached ({@link
   *     OutputModeration#localOnly()}: the guardrails' detectors, no moderation endpoint), and its
   *     {@linkplain OutputModeration#withRestore restore} of redacted values just before publishing
   */
  public JobProcessor(
      ModelCatalog catalog,
      Function<String, ChatProvider> providers,
      ResponseCache cache,
      ResultLedger ledger,
      PublishedResults published,
      JobPolicy policy,
      CallGuard guard,
      WorkerMetrics metrics,
      Clock clock,
      Duration publishingGrace,
      SemanticAnswers semantic,
      JobTracing tracing,
      OutputModeration moderation) {
    this.catalog = catalog;
    this.moderation = moderation;
    this.tracing = tracing;
    this.policy = policy;
    this.metrics = metrics;
    this.clock = clock;
    this.idempotency =
        new IdempotencyProtocol(ledger, published, policy.resultTtl(), publishingGrace, clock);
    CachedResults cached = new CachedResults(cache);
    this.outcomes = new Outcomes(catalog, clock);
    this.capabilities = new CapabilityCheck(catalog, outcomes);
    JobContext context =
        new JobContext(policy, cached, outcomes, metrics, clock, tracing, moderation);
    this.answers =
        new AnswerSource(
            context,
            new SingleFlight(cache, cached),
            semantic,
            new AttemptLoop(providers, guard, context));
  }

  /** Processes a job that no operator replayed. */
  public JobOutcome process(RoutedRequest job, Consumer<CompletionChunk> chunks)
      throws InterruptedException {
    return process(job, Delivery.ORIGINAL, chunks);
  }

  /**
   * Processes a job.
   *
   * @param job the routed request as read from its provider topic
   * @param delivery whether an operator replayed it from the dead-letter topic
   * @param chunks receives streamed deltas, in order, when the request asks for streaming
   */
  public JobOutcome process(RoutedRequest job, Delivery delivery, Consumer<CompletionChunk> chunks)
      throws InterruptedException {
    metrics.jobStarted();
    String ended = "error";
    String fingerprint = RequestFingerprint.of(job.getRequest());
    Admission admission = null;
    JobOutcome outcome = null;
    try {
      // The ledger comes first: a redelivery of a finished request must not get a second terminal
      // result, even when its deadline has passed since.
      admission = idempotency.begin(job.getRequest(), fingerprint, delivery.replayOf());
      outcome =
          switch (admission) {
            case Admission.Run run -> {
              JobOutcome ran = run(job, delivery, chunks);
              yield ran instanceof JobOutcome.Finished f
                  ? f.guardedBy(job).restoredBy(moderation, job).answering(fingerprint)
                  : ran;
            }
            case Admission.AlreadyDone d -> new JobOutcome.AlreadyDone();
            case Admission.AlreadyPublished p ->
                new JobOutcome.AlreadyPublished(p.result(), fingerprint);
            case Admission.DuplicateId d ->
                new JobOutcome.DuplicateId(Outcomes.guarded(d.rejection(), job));
          };
      ended =
          switch (outcome) {
            case JobOutcome.Finished f -> f.deadLetter() == null ? "finished" : "failed";
            case JobOutcome.Forwarded f -> "forwarded";
            case JobOutcome.Deferred d -> "deferred";
            case JobOutcome.AlreadyDone d -> "already_done";
            case JobOutcome.AlreadyPublished p -> "already_done";
            case JobOutcome.DuplicateId d -> "duplicate_id";
          };
      return outcome;
    } catch (InterruptedException e) {
      ended = "interrupted";
      throw e;
    } finally {
      // A terminal result's lease ends when the result is marked publishing; any other end gives it
      // up now.
      if (admission instanceof Admission.Run run && !(outcome instanceof JobOutcome.Finished)) {
        run.lease().ifPresent(idempotency::abandon);
      }
      metrics.jobEnded(ended);
      if (outcome instanceof JobOutcome.Finished) {
        metrics.jobAnswered(Duration.between(job.getDecision().getRoutedAt(), clock.instant()));
      }
    }
  }

  /**
   * Records that an outcome's terminal result is about to be published to {@code resultsPartition}
   * (step 2 of the {@link IdempotencyProtocol}). Call it just before publishing, then {@link
   * #markPublished} just after.
   */
  public void markPublishing(JobOutcome outcome, int resultsPartition) {
    if (outcome instanceof JobOutcome.Finished f) {
      idempotency.markPublishing(f.result(), f.request(), resultsPartition);
    }
  }

  /**
   * Records that an outcome's terminal result is safely published (step 3 of the {@link
   * IdempotencyProtocol}), or found published and its reply copy sent again ({@link
   * JobOutcome.AlreadyPublished}). Call it after publishing and before acknowledging; a replayed
   * job's result is recorded as that replay's.
   */
  public void markPublished(JobOutcome outcome, Delivery delivery) {
    switch (outcome) {
      case JobOutcome.Finished f ->
          idempotency.markPublished(f.result(), f.request(), delivery.replayOf());
      case JobOutcome.AlreadyPublished p ->
          idempotency.markPublished(p.result(), p.request(), delivery.replayOf());
      default -> {}
    }
  }

  /** The metrics this processor records into. */
  public WorkerMetrics metrics() {
    return metrics;
  }

  /** The tracer of this processor's spans. */
  public JobTracing tracing() {
    return tracing;
  }

  /** The clock this processor reads the time from. */
  public Clock clock() {
    return clock;
  }

  /**
   * Runs a job the ledger let through: its deadline, model, capabilities and parameter rules, then
   * the cache or the provider.
   */
  private JobOutcome run(RoutedRequest job, Delivery delivery, Consumer<CompletionChunk> chunks)
      throws InterruptedException {
    CompletionRequest request = job.getRequest();
    RoutingDecision decision = job.getDecision();
    Instant started = clock.instant();
    int attemptLimit = delivery.attemptsBeforeReplay() + policy.maxAttemptsTotal();
    if (request.getDeadline() != null && !started.isBefore(request.getDeadline())) {
      return outcomes.expired(job);
    }
    Optional<ModelSpec> spec = catalog.find(decision.getProvider(), decision.getModel());
    if (spec.isEmpty()) {
      return outcomes.failed(
          job,
          job.getAttempts(),
          List.of(),
          TerminalResults.error(
              ErrorCode.UNKNOWN_MODEL,
              "model "
                  + decision.getProvider()
                  + "/"
                  + decision.getModel()
                  + " is not in this worker's catalog"),
          started);
    }
    Optional<JobOutcome> unfit = capabilities.mismatch(job, spec.get(), started);
    if (unfit.isPresent()) {
      return unfit.get();
    }
    return answers.answer(job, spec.get(), chunks, started, attemptLimit);
  }
}

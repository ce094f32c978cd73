package io.promptyard.worker.job;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.providers.ChatProvider;
import io.promptyard.schemas.CacheMode;
import io.promptyard.schemas.CompletionChunk;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.worker.cache.CacheKey;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Handles one routed job from start to outcome: the ledger's word on its id ({@link
 * IdempotencyProtocol}), its deadline, the model's capabilities, the cache and its single flight,
 * and then the provider's attempts ({@link AttemptLoop}). It publishes nothing itself except
 * streamed chunks; the caller publishes the outcome, between {@link #markPublishing} and {@link
 * #markPublished}.
 */
public final class JobProcessor {

  private final ModelCatalog catalog;
  private final JobPolicy policy;
  private final IdempotencyProtocol idempotency;
  private final CachedResults answers;
  private final SingleFlight singleFlight;
  private final Outcomes outcomes;
  private final CapabilityCheck capabilities;
  private final AttemptLoop attempts;
  private final SemanticAnswers semantic;
  private final WorkerMetrics metrics;
  private final Clock clock;

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
      Duration publishingGrace) {
    this(
        catalog,
        providers,
        cache,
        ledger,
        published,
        policy,
        guard,
        metrics,
        clock,
        publishingGrace,
        SemanticAnswers.off());
  }

  /** As above, answering {@code metadata.cache.mode: "semantic"} requests from {@code semantic}. */
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
      SemanticAnswers semantic) {
    this.catalog = catalog;
    this.semantic = semantic;
    this.policy = policy;
    this.metrics = metrics;
    this.clock = clock;
    this.idempotency =
        new IdempotencyProtocol(ledger, published, policy.resultTtl(), publishingGrace, clock);
    this.answers = new CachedResults(cache);
    this.singleFlight = new SingleFlight(cache, answers);
    this.outcomes = new Outcomes(catalog, clock);
    this.capabilities = new CapabilityCheck(catalog, outcomes);
    JobContext context = new JobContext(policy, answers, outcomes, metrics, clock);
    this.attempts = new AttemptLoop(providers, guard, context);
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
                  ? f.guardedBy(job).answering(fingerprint)
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

  /**
   * Runs a job the ledger let through: its deadline, model and capabilities, then the cache or the
   * provider.
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
                  + " is not in this worker's catalog"));
    }
    Optional<JobOutcome> unfit = capabilities.mismatch(job, spec.get());
    if (unfit.isPresent()) {
      return unfit.get();
    }
    CacheMode mode = request.getCache() == null ? CacheMode.DEFAULT : request.getCache().getMode();
    // Semantic mode uses the exact cache as the default mode does, and the semantic cache after it.
    boolean semantically = mode == CacheMode.SEMANTIC;
    mode = semantically ? CacheMode.DEFAULT : mode;
    CacheKey key = CacheKey.of(request, decision.getProvider(), decision.getModel());
    if (mode == CacheMode.DEFAULT || mode == CacheMode.READ_ONLY) {
      Optional<CompletionResult> hit = answers.find(key, request.getId());
      if (hit.isPresent()) {
        return cacheHit(job, hit.get(), started);
      }
      metrics.cacheMiss();
    }
    Optional<SemanticAnswers.Probe> probe =
        semantically
            ? semantic.probe(request, decision.getProvider(), decision.getModel())
            : Optional.empty();
    if (probe.isPresent() && probe.get().hit().isPresent()) {
      return cacheHit(job, probe.get().hit().get(), started);
    }
    JobOutcome outcome = callOrShare(job, spec.get(), key, mode, chunks, started, attemptLimit);
    if (probe.isPresent()
        && outcome instanceof JobOutcome.Finished f
        && f.result().getStatus() == ResultStatus.SUCCEEDED
        && !f.result().getCached()) {
      semantic.remember(probe.get(), f.result(), attempts.cacheTtl(request, spec.get()));
    }
    return outcome;
  }

  /** Calls the provider, or shares the answer of an identical call in flight. */
  private JobOutcome callOrShare(
      RoutedRequest job,
      ModelSpec spec,
      CacheKey key,
      CacheMode mode,
      Consumer<CompletionChunk> chunks,
      Instant started,
      int attemptLimit)
      throws InterruptedException {
    CompletionRequest request = job.getRequest();
    if (mode != CacheMode.DEFAULT || request.getStream()) {
      return attempts.run(job, spec, key, mode, chunks, started, attemptLimit);
    }
    // Identical cacheable requests in flight at once make one provider call; the others are served
    // its answer.
    try (SingleFlight.Flight flight = singleFlight.join(key, request.getId())) {
      Optional<CompletionResult> answer = flight.awaitAnswer();
      JobOutcome outcome =
          answer.isPresent()
              ? cacheHit(job, answer.get(), started)
              : attempts.run(job, spec, key, mode, chunks, started, attemptLimit);
      if (outcome instanceof JobOutcome.Finished f
          && f.result().getStatus() == ResultStatus.SUCCEEDED) {
        flight.answered(f.result());
      }
      return outcome;
    }
  }

  private JobOutcome cacheHit(RoutedRequest job, CompletionResult cached, Instant started) {
    metrics.cacheHit();
    return outcomes.cacheHit(job, cached, started);
  }
}

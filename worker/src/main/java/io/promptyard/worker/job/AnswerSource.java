package io.promptyard.worker.job;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.schemas.CacheMode;
import io.promptyard.schemas.CompletionChunk;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.SemanticPause;
import io.promptyard.schemas.tracing.JobTracing;
import io.promptyard.worker.cache.CacheKey;
import io.promptyard.worker.cache.CacheRules;
import io.promptyard.worker.cache.CachedResults;
import io.promptyard.worker.cache.SemanticAnswers;
import io.promptyard.worker.cache.SingleFlight;
import io.promptyard.worker.metrics.WorkerMetrics;
import io.promptyard.worker.moderation.OutputModeration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where the answer of a job that passed its checks comes from, as its cache mode allows: the exact
 * cache, the semantic cache ({@code metadata.cache.mode: "semantic"}), an identical call in flight
 * on any worker ({@link SingleFlight}), or the provider's attempts ({@link AttemptLoop}). A paid
 * answer is stored in the caches the mode writes, unless output moderation found something in it;
 * an answer from a cache or an identical call passes output moderation under this job's policy. A
 * semantic hit may be shadowed, and a paused team's is not used ({@link ShadowVerification}).
 */
final class AnswerSource {

  private final CachedResults answers;
  private final SingleFlight singleFlight;
  private final SemanticAnswers semantic;
  private final AttemptLoop attempts;
  private final Outcomes outcomes;
  private final WorkerMetrics metrics;
  private final Tracer tracer;
  private final OutputModeration moderation;
  private final ShadowVerification shadows;

  AnswerSource(
      JobContext context,
      SingleFlight singleFlight,
      SemanticAnswers semantic,
      AttemptLoop attempts) {
    this.answers = context.cache();
    this.singleFlight = singleFlight;
    this.semantic = semantic;
    this.attempts = attempts;
    this.outcomes = context.outcomes();
    this.metrics = context.metrics();
    this.tracer = context.tracing().tracer();
    this.moderation = context.moderation();
    this.shadows = new ShadowVerification(semantic, attempts, context);
  }

  /**
   * The job's outcome on {@code spec}.
   *
   * @param chunks receives streamed deltas, in order, when the request asks for streaming
   * @param started when the worker took the job
   * @param attemptLimit the job's attempt history may grow to this size, no further
   */
  JobOutcome answer(
      RoutedRequest job,
      ModelSpec spec,
      Consumer<CompletionChunk> chunks,
      Instant started,
      int attemptLimit)
      throws InterruptedException {
    CompletionRequest request = job.getRequest();
    RoutingDecision decision = job.getDecision();
    CacheMode asked = CacheRules.asked(request);
    // Semantic mode uses the exact cache as the default mode does, and the semantic cache after it.
    boolean semantically = asked == CacheMode.SEMANTIC;
    CacheMode mode = CacheRules.exactMode(request);
    CacheKey key = CacheKey.of(request, decision.getProvider(), decision.getModel());
    boolean looked = mode == CacheMode.DEFAULT || mode == CacheMode.READ_ONLY;
    if (looked) {
      Span lookup = tracer.spanBuilder("promptyard.cache_lookup").startSpan();
      Optional<CompletionResult> hit;
      try {
        hit = answers.find(key, request.getId());
        lookup.setAttribute(JobTracing.CACHE_MODE, asked.name());
        lookup.setAttribute(JobTracing.CACHE_HIT, hit.isPresent());
      } finally {
        lookup.end();
      }
      if (hit.isPresent()) {
        return cacheHit(job, hit.get(), started);
      }
    }
    Optional<SemanticAnswers.Probe> probe = semantically ? probe(job) : Optional.empty();
    Optional<CompletionResult> semanticHit = probe.flatMap(SemanticAnswers.Probe::hit);
    Optional<SemanticPause> paused = semanticHit.flatMap(h -> semantic.pause(request.getTeam()));
    if (semanticHit.isPresent() && paused.isEmpty()) {
      JobOutcome hit = cacheHit(job, semanticHit.get(), started);
      if (semantic.shadows(request)) {
        shadows.start(job, spec, semanticHit.get());
      }
      return hit;
    }
    JobOutcome outcome =
        callOrShare(
            job,
            key,
            mode,
            started,
            () -> {
              // A job counts once among cache lookups: a miss when it goes to the provider after
              // looking, not also when the semantic cache or an identical call in flight answers.
              if (looked) {
                metrics.cacheMiss();
              }
              return attempts.run(job, spec, key, mode, chunks, started, attemptLimit);
            });
    if (probe.isPresent()
        && outcome instanceof JobOutcome.Finished f
        && f.result().getStatus() == ResultStatus.SUCCEEDED
        && !f.result().getCached()
        && !OutputModeration.moderated(f.result())) {
      semantic.remember(probe.get(), f.result(), attempts.cacheTtl(request, spec));
    }
    if (paused.isPresent() && outcome instanceof JobOutcome.Finished f) {
      return shadows.paused(f, semanticHit.get(), paused.get());
    }
    return outcome;
  }

  /** Looks the job up in the semantic cache, as a span of its own. */
  private Optional<SemanticAnswers.Probe> probe(RoutedRequest job) throws InterruptedException {
    Span lookup = tracer.spanBuilder("promptyard.cache_lookup").startSpan();
    try {
      Optional<SemanticAnswers.Probe> probe =
          semantic.probe(
              job.getRequest(), job.getDecision().getProvider(), job.getDecision().getModel());
      lookup.setAttribute(JobTracing.CACHE_MODE, CacheMode.SEMANTIC.name());
      lookup.setAttribute(JobTracing.CACHE_HIT, probe.isPresent() && probe.get().hit().isPresent());
      return probe;
    } finally {
      lookup.end();
    }
  }

  /** The provider's attempts at a job. */
  @FunctionalInterface
  private interface Call {
    JobOutcome run() throws InterruptedException;
  }

  /** Makes the {@code call}, or shares the answer of an identical call in flight. */
  private JobOutcome callOrShare(
      RoutedRequest job, CacheKey key, CacheMode mode, Instant started, Call call)
      throws InterruptedException {
    CompletionRequest request = job.getRequest();
    if (mode != CacheMode.DEFAULT || request.getStream()) {
      return call.run();
    }
    // Identical cacheable requests in flight at once make one provider call; the others are served
    // its answer.
    try (SingleFlight.Flight flight = singleFlight.join(key, request.getId())) {
      Optional<CompletionResult> answer = flight.awaitAnswer();
      JobOutcome outcome = answer.isPresent() ? cacheHit(job, answer.get(), started) : call.run();
      if (outcome instanceof JobOutcome.Finished f
          && f.result().getStatus() == ResultStatus.SUCCEEDED
          && !OutputModeration.moderated(f.result())) {
        flight.answered(f.result());
      }
      return outcome;
    }
  }

  private JobOutcome cacheHit(RoutedRequest job, CompletionResult cached, Instant started) {
    metrics.cacheHit();
    JobOutcome hit = outcomes.cacheHit(job, cached, started);
    return hit instanceof JobOutcome.Finished f
        ? new JobOutcome.Finished(moderation.moderate(job, f.result()), f.usage(), f.deadLetter())
        : hit;
  }
}

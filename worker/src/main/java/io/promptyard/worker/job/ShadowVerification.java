package io.promptyard.worker.job;

import io.promptyard.catalog.ModelSpec;
import io.promptyard.schemas.CacheMode;
import io.promptyard.schemas.CachePolicy;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.SemanticPause;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.semanticcache.AnswerComparison;
import io.promptyard.worker.cache.CacheKey;
import io.promptyard.worker.cache.SemanticAnswers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks semantic cache hits against fresh answers. A shadowed hit ({@link
 * SemanticAnswers#shadows}) answers its job from the cache at once; its request is then sent to the
 * provider as well, through the same attempts as a paid call (rate limits, circuit breakers, the
 * adapter), not streamed and not cached, and the two answers are compared: the call's usage events,
 * marked {@code shadow} (its cost a shadow cost, billed to the team), and the comparison go to the
 * usage topic. A paused team's would-be hit is answered by the provider instead, and the usage
 * event of the call that answered it carries the same comparison, at no extra cost.
 */
final class ShadowVerification {

  private static final Logger log = LoggerFactory.getLogger(ShadowVerification.class);

  private final SemanticAnswers semantic;
  private final AttemptLoop attempts;
  private final JobContext context;

  ShadowVerification(SemanticAnswers semantic, AttemptLoop attempts, JobContext context) {
    this.semantic = semantic;
    this.attempts = attempts;
    this.context = context;
  }

  /** Starts the shadow call of {@code job}, answered from the cache with {@code cached}. */
  void start(RoutedRequest job, ModelSpec spec, CompletionResult cached) {
    semantic.shadowing().calls().execute(() -> shadow(job, spec, cached));
  }

  /**
   * A paused team's would-be semantic hit, answered by the provider with {@code paid}: the result
   * says why the cache did not answer, and the answers are compared.
   */
  JobOutcome.Finished paused(
      JobOutcome.Finished paid, CompletionResult wouldHit, SemanticPause pause) {
    CompletionResult noted =
        CompletionResult.newBuilder(paid.result())
            .setCacheNote(
                "a cached answer to a similar prompt (request "
                    + wouldHit.getReusedRequestId()
                    + ") was not used: "
                    + pause.getReason())
            .build();
    List<UsageEvent> usage = paid.usage();
    Optional<AnswerComparison.Verdict> verdict =
        paid.result().getStatus() == ResultStatus.SUCCEEDED && !usage.isEmpty()
            ? semantic.compare(
                paid.result().getId(), wouldHit.getOutput(), paid.result().getOutput())
            : Optional.empty();
    if (verdict.isPresent()) {
      context.metrics().semanticShadow(verdict.get().agree() ? "agree" : "disagree");
      // the call that answered is the last; it stays a request of its own, not a shadow call
      usage = new ArrayList<>(usage);
      usage.set(
          usage.size() - 1,
          compared(UsageEvent.newBuilder(usage.getLast()), verdict.get()).build());
    }
    return new JobOutcome.Finished(noted, usage, paid.deadLetter(), paid.request());
  }

  private void shadow(RoutedRequest job, ModelSpec spec, CompletionResult cached) {
    CompletionRequest request = job.getRequest();
    try {
      // The same request, not streamed, its answer not cached, on the model alone: no fallback.
      CompletionRequest again =
          CompletionRequest.newBuilder(request)
              .setStream(false)
              .setCache(CachePolicy.newBuilder().setMode(CacheMode.BYPASS).build())
              .build();
      RoutedRequest call =
          new RoutedRequest(
              again,
              RoutingDecision.newBuilder(job.getDecision()).setFallbackChain(List.of()).build(),
              List.of());
      JobOutcome fresh =
          attempts.run(
              call,
              spec,
              CacheKey.of(again, spec.provider(), spec.id()),
              CacheMode.BYPASS,
              chunk -> {},
              context.clock().instant(),
              context.policy().maxAttemptsPerModel());
      AnswerComparison.Verdict verdict =
          fresh instanceof JobOutcome.Finished f && f.result().getStatus() == ResultStatus.SUCCEEDED
              ? semantic
                  .compare(request.getId(), cached.getOutput(), f.result().getOutput())
                  .orElse(null)
              : null;
      List<UsageEvent> usage = fresh.usage();
      for (int i = 0; i < usage.size(); i++) {
        UsageEvent e = usage.get(i);
        UsageEvent.Builder shadow =
            UsageEvent.newBuilder(e).setEventId(request.getId() + ":shadow:" + e.getAttempt());
        boolean answering = i == usage.size() - 1 && verdict != null;
        semantic
            .shadowing()
            .usage()
            .accept((answering ? compared(shadow, verdict) : shadow).setShadow(true).build());
      }
      context
          .metrics()
          .semanticShadow(verdict == null ? "failed" : verdict.agree() ? "agree" : "disagree");
      if (verdict == null) {
        log.warn(
            "request {}: the shadow call verifying its semantic hit compared nothing (no answer, or the"
                + " comparison failed)",
            ProducerText.escape(request.getId()));
      } else if (!verdict.agree()) {
        log.info(
            "request {}: its semantic hit (request {}'s answer) differs from a fresh answer, similarity {}",
            ProducerText.escape(request.getId()),
            ProducerText.escape(cached.getReusedRequestId()),
            String.format(java.util.Locale.ROOT, "%.2f", verdict.similarity()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.info(
          "request {}: shadow call interrupted (the worker is stopping)",
          ProducerText.escape(request.getId()));
    } catch (RuntimeException e) {
      context.metrics().semanticShadow("failed");
      log.warn(
          "request {}: the shadow call verifying its semantic hit failed: {}",
          ProducerText.escape(request.getId()),
          e.toString());
    }
  }

  /** {@code event}, carrying the comparison of the two answers. */
  private static UsageEvent.Builder compared(
      UsageEvent.Builder event, AnswerComparison.Verdict verdict) {
    return event.setAnswerSimilarity(verdict.similarity()).setAnswersAgree(verdict.agree());
  }
}

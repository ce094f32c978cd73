package io.promptyard.worker.job;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.ChatResponse;
import io.promptyard.schemas.Attempt;
import io.promptyard.schemas.CompletionChunk;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.DetectorVerdict;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.Output;
import io.promptyard.schemas.ResultError;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.worker.cache.CacheRules;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Builds what a job produces — terminal results, usage events, dead letters, streamed chunks and
 * jobs forwarded to the next model — so that every path of a job (provider answer, cache hit,
 * failure, fallback) fills them alike.
 */
final class Outcomes {

  private final ModelCatalog catalog;
  private final Clock clock;
  private final AvroSerde<RoutedRequest> jobs = AvroSerde.of(RoutedRequest.class);

  Outcomes(ModelCatalog catalog, Clock clock) {
    this.catalog = catalog;
    this.clock = clock;
  }

  /**
   * The SUCCEEDED result of a provider's answer.
   *
   * @param attempts the job's attempts, this call included
   * @param started when the worker took the job
   * @param end when the answer came
   */
  CompletionResult succeeded(
      CompletionRequest request,
      ModelSpec spec,
      ChatResponse response,
      TokenUsage tokens,
      long cost,
      int attempts,
      Instant started,
      Instant end) {
    return CacheRules.succeeded(
        request,
        spec,
        new Output(response.text(), response.toolCalls(), response.finishReason(), null),
        tokens,
        cost,
        attempts,
        Duration.between(started, end),
        end);
  }

  /**
   * The usage event of one provider call, answered ({@code error} null) or failed (no tokens, no
   * cost).
   */
  UsageEvent call(
      CompletionRequest request,
      ModelSpec spec,
      int attempt,
      TokenUsage tokens,
      long cost,
      Duration latency,
      ErrorCode error) {
    return usageEvent(request, spec, attempt, tokens, cost, 0, false, latency, error);
  }

  /**
   * A cached answer served to {@code job}: free, marked cached, and counted as the cost it saved.
   */
  JobOutcome cacheHit(RoutedRequest job, CompletionResult cached, Instant started) {
    CompletionRequest request = job.getRequest();
    ModelSpec spec = catalog.find(cached.getProvider(), cached.getModel()).orElseThrow();
    int attempt = job.getAttempts().size() + 1;
    CompletionResult result =
        CompletionResult.newBuilder(cached)
            .setId(request.getId())
            .setTeam(request.getTeam())
            .setCached(true)
            // a semantic hit comes marked so; any other cached answer was found by its exact key
            .setCacheMatch(cached.getCacheMatch() == null ? "exact" : cached.getCacheMatch())
            .setReusedRequestId(
                cached.getReusedRequestId() == null ? cached.getId() : cached.getReusedRequestId())
            .setCostMicros(0)
            .setLatencyMillis(Duration.between(started, clock.instant()).toMillis())
            .setAttempts(attempt)
            .setBatchId(request.getBatchId())
            .setCustomId(request.getCustomId())
            .setCompletedAt(clock.instant())
            .build();
    UsageEvent event =
        usageEvent(
            request,
            spec,
            attempt,
            cached.getUsage(),
            0,
            cached.getCostMicros(),
            true,
            Duration.between(started, clock.instant()),
            null);
    return finished(result, List.of(event));
  }

  /** The EXPIRED result of a job whose deadline passed before a provider was called. */
  JobOutcome expired(RoutedRequest job) {
    CompletionRequest request = job.getRequest();
    return finished(
        TerminalResults.unsuccessful(
            request,
            ResultStatus.EXPIRED,
            TerminalResults.error(
                ErrorCode.DEADLINE_EXCEEDED,
                "deadline " + request.getDeadline() + " passed before a provider was called"),
            job.getAttempts().size()),
        List.of());
  }

  /**
   * The FAILED result of a job, with the dead letter (the job and its attempts) an operator can
   * replay. The result names the provider and model of the job's last attempt, where its error came
   * from (none when the job never got to one), and its latency is the time since the worker took
   * the job, as a SUCCEEDED result's is.
   *
   * @param started when the worker took the job
   */
  JobOutcome failed(
      RoutedRequest job,
      List<Attempt> attempts,
      List<UsageEvent> usage,
      ResultError error,
      Instant started) {
    CompletionRequest request = job.getRequest();
    Instant now = clock.instant();
    CompletionResult.Builder failed =
        CompletionResult.newBuilder(
                TerminalResults.unsuccessful(request, ResultStatus.FAILED, error, attempts.size()))
            .setLatencyMillis(Duration.between(started, now).toMillis())
            .setCompletedAt(now);
    if (!attempts.isEmpty()) {
      failed.setProvider(attempts.getLast().getProvider()).setModel(attempts.getLast().getModel());
    }
    CompletionResult result = failed.build();
    byte[] original = jobs.encode(new RoutedRequest(request, job.getDecision(), attempts));
    DeadLetter letter =
        TerminalResults.deadLetter(
                "", -1, -1, null, original, null, error.getCode(), error.getMessage())
            .setRequestId(request.getId())
            .setTeam(request.getTeam())
            .setProvider(job.getDecision().getProvider())
            .setAttempts(attempts.size())
            .setFirstAttemptAt(attempts.isEmpty() ? null : attempts.getFirst().getStartedAt())
            .setLastAttemptAt(attempts.isEmpty() ? null : attempts.getLast().getFinishedAt())
            .build();
    return new JobOutcome.Finished(result, usage, letter);
  }

  /**
   * {@code job} handed to the model at {@code index} of its fallback chain, which keeps the models
   * after it; the decision keeps everything else (the lane among them).
   */
  JobOutcome forwarded(
      RoutedRequest job, int index, String reason, List<Attempt> attempts, List<UsageEvent> usage) {
    List<ModelRef> chain = job.getDecision().getFallbackChain();
    ModelRef next = chain.get(index);
    RoutingDecision decision =
        RoutingDecision.newBuilder(job.getDecision())
            .setProvider(next.getProvider())
            .setModel(next.getModel())
            .setFallbackChain(List.copyOf(chain.subList(index + 1, chain.size())))
            .setReason(reason)
            .build();
    return new JobOutcome.Forwarded(new RoutedRequest(job.getRequest(), decision, attempts), usage);
  }

  /**
   * One streamed delta of {@code spec}'s answer to request {@code requestId}, marked with the job's
   * {@code attempt} that streamed it, so that a reader can drop the deltas of an attempt that
   * failed half-way once a retry or fallback streams again.
   */
  CompletionChunk chunk(String requestId, ModelSpec spec, int attempt, ChatChunk c) {
    return new CompletionChunk(
        requestId,
        c.index(),
        c.textDelta(),
        c.finishReason(),
        spec.provider(),
        spec.id(),
        clock.instant(),
        attempt);
  }

  /**
   * {@code result} carrying the router's guard verdicts on {@code job}, followed by those output
   * moderation put on it ({@code output_pii}, {@code output_moderation}): every result of a job
   * carries them, whichever path built it (the cache's stored answers do not).
   */
  static CompletionResult guarded(CompletionResult result, RoutedRequest job) {
    List<DetectorVerdict> input = job.getDecision().getGuard();
    List<DetectorVerdict> output = result.getGuard();
    if (input == null) {
      return result;
    }
    if (output == null || output.isEmpty()) {
      return CompletionResult.newBuilder(result).setGuard(input).build();
    }
    List<DetectorVerdict> all = new java.util.ArrayList<>(input);
    all.addAll(output);
    return CompletionResult.newBuilder(result).setGuard(all).build();
  }

  /** A terminal result with no dead letter. */
  static JobOutcome finished(CompletionResult result, List<UsageEvent> usage) {
    return new JobOutcome.Finished(result, usage, null);
  }

  private UsageEvent usageEvent(
      CompletionRequest request,
      ModelSpec spec,
      int attempt,
      TokenUsage tokens,
      long cost,
      long saved,
      boolean cached,
      Duration latency,
      ErrorCode error) {
    return UsageEvent.newBuilder()
        .setEventId(request.getId() + ":" + attempt)
        .setRequestId(request.getId())
        .setTeam(request.getTeam())
        .setUser(request.getUser())
        .setProvider(spec.provider())
        .setModel(spec.id())
        .setAttempt(attempt)
        .setUsage(tokens)
        .setCostMicros(cost)
        .setSavedCostMicros(saved)
        .setCached(cached)
        .setLatencyMillis(latency.toMillis())
        .setErrorCode(error)
        .setOccurredAt(clock.instant())
        .setTemplate(request.getTemplate() == null ? null : request.getTemplate().getName())
        .setTemplateVersion(
            request.getTemplate() == null ? null : request.getTemplate().getVersion())
        .setTags(request.getTags())
        .build();
  }

  /** A provider's token counts as a result and a usage event carry them. */
  static TokenUsage tokens(Usage u) {
    return new TokenUsage(
        u.inputTokens(), u.outputTokens(), u.cachedInputTokens(), u.reasoningTokens());
  }
}

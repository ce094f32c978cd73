package io.promptyard.worker.job;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.catalog.ParamRules;
import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.FailureScope;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimits;
import io.promptyard.schemas.Attempt;
import io.promptyard.schemas.CacheMode;
import io.promptyard.schemas.CompletionChunk;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ResultError;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.tracing.JobTracing;
import io.promptyard.worker.cache.CacheKey;
import io.promptyard.worker.cache.CacheRules;
import io.promptyard.worker.guard.CallGuard;
import io.promptyard.worker.guard.CallRefused;
import io.promptyard.worker.guard.Permit;
import io.promptyard.worker.metrics.WorkerMetrics;
import io.promptyard.worker.moderation.OutputModeration;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a job's model, retrying in place while the back-off is short, and then decides where the
 * job goes: its answer, the next model of its fallback chain (also when the provider account or the
 * model is broken: a refused key, exhausted quota, a deleted deployment), its provider's retry
 * topic when retrying may still help but not soon, or failure with a dead letter. Every call is
 * admitted by the guard (rate limits, circuit breakers) first; a refusal counts as an attempt, so
 * that refusals are bounded too.
 */
final class AttemptLoop {

  private static final Logger log = LoggerFactory.getLogger(AttemptLoop.class);

  private static final AttributeKey<Boolean> RETRYABLE =
      AttributeKey.booleanKey("promptyard.error.retryable");

  /** Output tokens reserved against token limits for a request that sets no {@code max_tokens}. */
  private static final int DEFAULT_OUTPUT_TOKENS = 256;

  private final Function<String, ChatProvider> providers;
  private final CallGuard guard;
  private final JobContext context;
  private final KeyRotation keys = new KeyRotation();

  AttemptLoop(Function<String, ChatProvider> providers, CallGuard guard, JobContext context) {
    this.providers = providers;
    this.guard = guard;
    this.context = context;
  }

  /**
   * Runs the job's attempts on {@code spec}.
   *
   * @param key where its answer is cached, when {@code mode} writes the cache
   * @param chunks receives streamed deltas, in order, when the request asks for streaming
   * @param started when the worker took the job
   * @param attemptLimit the job's attempt history may grow to this size, no further
   */
  JobOutcome run(
      RoutedRequest job,
      ModelSpec spec,
      CacheKey key,
      CacheMode mode,
      Consumer<CompletionChunk> chunks,
      Instant started,
      int attemptLimit)
      throws InterruptedException {
    CompletionRequest request = job.getRequest();
    ChatProvider provider = providers.apply(spec.provider());
    Outcomes outcomes = context.outcomes();
    WorkerMetrics metrics = context.metrics();
    List<Attempt> attempts = new ArrayList<>(job.getAttempts());
    List<UsageEvent> usage = new ArrayList<>();
    ProviderException last = null;
    Duration longWait = null;
    ParamRules.Adapted params = CapabilityCheck.sendable(request, spec);
    if (!params.broken().isEmpty()) {
      log.info(
          "request {} to {}: {}",
          ProducerText.escape(request.getId()),
          spec.qualifiedName(),
          params.note());
    }
    for (int local = 1;
        local <= context.policy().maxAttemptsPerModel() && attempts.size() < attemptLimit;
        local++) {
      Instant callStart = context.clock().instant();
      Permit permit;
      String keyId;
      Span admission = tracer().spanBuilder("promptyard.rate_limit_wait").startSpan();
      try {
        keyId = keys.choose(spec.provider(), provider.keyIds(), guard);
        permit =
            guard.admit(request.getTeam(), spec.provider(), spec.id(), keyId, estimatedTokens(job));
      } catch (CallRefused refused) {
        admission.setAttribute(JobTracing.OUTCOME, "refused");
        admission.setAttribute(JobTracing.ERROR_CODE, refused.code().name());
        // Not a provider call: no usage event, but the attempt is kept so that refusals are bounded
        // too.
        attempts.add(
            new Attempt(
                spec.provider(),
                spec.id(),
                callStart,
                context.clock().instant(),
                refused.code(),
                refused.getMessage()));
        last =
            new ProviderException(
                refused.code(),
                refused.retryable(),
                null,
                refused.getMessage(),
                new RateLimits(null, null, null, null, null, null, refused.retryAfter()),
                null);
        longWait =
            refused.retryAfter() == null ? context.policy().backoff().max() : refused.retryAfter();
        metrics.callRefused(spec.provider(), refused.code());
        log.info(
            "request {}: call to {} refused before it was made: {}",
            ProducerText.escape(request.getId()),
            spec.qualifiedName(),
            ProducerText.escape(refused.getMessage()));
        break;
      } finally {
        admission.end();
      }
      ChatRequest chat =
          new ChatRequest(
              request.getId(), spec.id(), request.getMessages(), params.parameters(), keyId);
      // Numbered as the result counts attempts: this call is the history's next one.
      int attempt = attempts.size() + 1;
      Span call = callSpan(spec, attempt);
      try (Scope scope = call.makeCurrent()) {
        // A streaming adapter may hand chunks over on a thread of its own: each chunk record
        // carries this call's span all the same.
        Context calling = Context.current();
        ChatResponse response =
            request.getStream()
                ? provider.stream(
                    chat,
                    c -> {
                      try (Scope chunkScope = calling.makeCurrent()) {
                        chunks.accept(outcomes.chunk(request.getId(), spec, attempt, c));
                      }
                    })
                : provider.complete(chat);
        Instant end = context.clock().instant();
        answered(call, response);
        guard.completed(
            permit, response.usage(), response.rateLimits(), Duration.between(callStart, end));
        attempts.add(new Attempt(spec.provider(), spec.id(), callStart, end, null, null));
        long cost = spec.prices().costMicros(response.usage());
        metrics.callCompleted(spec.provider(), null, Duration.between(callStart, end));
        metrics.cost(request.getTeam(), spec.provider(), cost);
        TokenUsage tokens = Outcomes.tokens(response.usage());
        metrics.tokens(
            spec.provider(), spec.id(), tokens.getInputTokens(), tokens.getOutputTokens());
        usage.add(
            outcomes.call(
                request,
                spec,
                attempts.size(),
                tokens,
                cost,
                Duration.between(callStart, end),
                null));
        // Moderated before anything keeps the answer: a value it finds reaches neither the cache
        // nor the result. Chunks of a streamed answer were sent as they came, before this.
        CompletionResult result =
            context
                .moderation()
                .moderate(
                    job,
                    outcomes.succeeded(
                        request, spec, response, tokens, cost, attempts.size(), started, end));
        // Only an answer moderation found nothing in is cached; each job's cache hit is moderated
        // again under its own team's policy.
        if (CacheRules.storesExact(mode) && !OutputModeration.moderated(result)) {
          context.cache().store(key, result, cacheTtl(request, spec));
        }
        return Outcomes.finished(result, usage);
      } catch (ProviderException e) {
        Instant end = context.clock().instant();
        call.setStatus(StatusCode.ERROR, e.code().name());
        call.setAttribute(JobTracing.ERROR_TYPE, e.code().name());
        call.setAttribute(JobTracing.ERROR_CODE, e.code().name());
        call.setAttribute(RETRYABLE, e.retryable());
        call.end();
        guard.failed(permit, e, Duration.between(callStart, end));
        metrics.callCompleted(spec.provider(), e.code(), Duration.between(callStart, end));
        if (Thread.currentThread().isInterrupted()) {
          // Graceful shutdown interrupted the call: not an outcome to publish; the job is released
          // instead.
          throw new InterruptedException(
              "request " + request.getId() + ": call to " + spec.qualifiedName() + " interrupted");
        }
        last = e;
        attempts.add(
            new Attempt(spec.provider(), spec.id(), callStart, end, e.code(), e.getMessage()));
        usage.add(
            outcomes.call(
                request,
                spec,
                attempts.size(),
                new TokenUsage(0L, 0L, 0L, 0L),
                0,
                Duration.between(callStart, end),
                e.code()));
        log.info(
            "request {} attempt {} on {} failed: {} ({})",
            ProducerText.escape(request.getId()),
            attempts.size(),
            spec.qualifiedName(),
            e.code(),
            e.retryable() ? "retryable" : "not retryable");
        if (!e.retryable() || local == context.policy().maxAttemptsPerModel()) {
          break;
        }
        Duration wait = context.policy().backoff().delay(local, e.retryAfter());
        if (wait.compareTo(context.policy().backoff().max()) > 0) {
          longWait = wait;
          break;
        }
        Span backoff = tracer().spanBuilder("promptyard.backoff").startSpan();
        try {
          Thread.sleep(wait);
        } finally {
          backoff.end();
        }
      } finally {
        // Ends the call's span when it answered or threw anything else; a failure ended it above.
        call.end();
      }
    }
    JobOutcome after =
        afterLastAttempt(job, spec, attempts, usage, last, longWait, started, attemptLimit);
    if (after instanceof JobOutcome.Forwarded fw) {
      RoutingDecision next = fw.next().getDecision();
      Span fallback =
          tracer()
              .spanBuilder("promptyard.fallback")
              .setAttribute(JobTracing.PROVIDER, spec.provider())
              .setAttribute(JobTracing.MODEL, spec.id())
              .setAttribute(JobTracing.FALLBACK_TO, next.getProvider() + "/" + next.getModel())
              .setAttribute(JobTracing.ERROR_CODE, last == null ? null : last.code().name())
              .startSpan();
      fallback.end();
    }
    return after;
  }

  private Tracer tracer() {
    return context.tracing().tracer();
  }

  /**
   * The span of one call to {@code spec}, current while it runs: OpenTelemetry's GenAI conventions
   * ({@code chat <model>}, a client span) and the attempt's number in the job's history.
   */
  private Span callSpan(ModelSpec spec, int attempt) {
    SpanBuilder builder = tracer().spanBuilder("chat " + spec.id()).setSpanKind(SpanKind.CLIENT);
    if (context.tracing().on()) {
      builder
          .setAttribute(JobTracing.GEN_AI_OPERATION, "chat")
          .setAttribute(JobTracing.GEN_AI_SYSTEM, spec.provider())
          .setAttribute(JobTracing.GEN_AI_REQUEST_MODEL, spec.id())
          .setAttribute(JobTracing.ATTEMPT, (long) attempt);
    }
    return builder.startSpan();
  }

  /** Records what a call's answer used and how it ended: tokens, finish reason, model. */
  private static void answered(Span call, ChatResponse response) {
    if (!call.isRecording()) {
      return;
    }
    if (response.usage() != null) {
      call.setAttribute(JobTracing.GEN_AI_INPUT_TOKENS, response.usage().inputTokens());
      call.setAttribute(JobTracing.GEN_AI_OUTPUT_TOKENS, response.usage().outputTokens());
    }
    if (response.finishReason() != null) {
      call.setAttribute(
          JobTracing.GEN_AI_FINISH_REASONS, List.of(JobTracing.bounded(response.finishReason())));
    }
    if (response.providerModel() != null) {
      call.setAttribute(
          JobTracing.GEN_AI_RESPONSE_MODEL, JobTracing.bounded(response.providerModel()));
    }
  }

  /**
   * Where a job goes when its model did not answer: to the next model when that may help, else
   * parked on the retry topic while retrying may still help, else failed.
   *
   * @param last the last attempt's error; null when the job had no attempt left to make
   * @param longWait the wait that ended retrying in place (a long Retry-After, a refusal); null
   *     when none did
   * @param started when the worker took the job
   */
  private JobOutcome afterLastAttempt(
      RoutedRequest job,
      ModelSpec spec,
      List<Attempt> attempts,
      List<UsageEvent> usage,
      ProviderException last,
      Duration longWait,
      Instant started,
      int attemptLimit) {
    CompletionRequest request = job.getRequest();
    Outcomes outcomes = context.outcomes();
    if (last == null) {
      return outcomes.failed(
          job,
          attempts,
          usage,
          TerminalResults.error(
              ErrorCode.INTERNAL,
              "request "
                  + request.getId()
                  + " used all "
                  + context.policy().maxAttemptsTotal()
                  + " attempts it is allowed"),
          started);
    }
    // A broken account or a missing model fails every call to it, but another provider or model
    // of the chain can still answer; a larger model can take a context too long.
    boolean fallbackHelps =
        last.retryable()
            || last.code() == ErrorCode.CONTEXT_TOO_LONG
            || last.scope() == FailureScope.ACCOUNT
            || last.scope() == FailureScope.MODEL;
    if (fallbackHelps && !job.getDecision().getFallbackChain().isEmpty()) {
      return outcomes.forwarded(
          job,
          0,
          "fallback from "
              + spec.qualifiedName()
              + " after "
              + last.code()
              + "; "
              + job.getDecision().getReason(),
          attempts,
          usage);
    }
    if (last.retryable() && attempts.size() < attemptLimit) {
      // Nowhere to fall back, and retrying may still help: park the job on the retry topic, for as
      // long as the provider asked or the back-off says, instead of holding its record here.
      Duration wait =
          longWait != null
              ? longWait
              : context.policy().backoff().delay(attempts.size(), last.retryAfter());
      return new JobOutcome.Deferred(
          new RoutedRequest(request, job.getDecision(), attempts),
          context.clock().instant().plus(wait),
          usage);
    }
    return outcomes.failed(
        job,
        attempts,
        usage,
        new ResultError(last.code(), last.getMessage(), last.providerStatus(), last.retryable()),
        started);
  }

  /**
   * Tokens to reserve against token limits: the router's input estimate plus the output the request
   * allows.
   */
  private static long estimatedTokens(RoutedRequest job) {
    var p = job.getRequest().getParameters();
    int output = p != null && p.getMaxTokens() != null ? p.getMaxTokens() : DEFAULT_OUTPUT_TOKENS;
    return (long) job.getDecision().getEstimatedInputTokens() + output;
  }

  /**
   * How long an answer to {@code request} stays cached: its own TTL, the model's, or the policy's.
   */
  Duration cacheTtl(CompletionRequest request, ModelSpec spec) {
    return CacheRules.ttl(request, spec, context.policy().cacheTtl());
  }
}

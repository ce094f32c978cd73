package io.promptyard.worker.cache;

import io.promptyard.catalog.ModelSpec;
import io.promptyard.schemas.CacheMode;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.Output;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.TokenUsage;
import java.time.Duration;
import java.time.Instant;

/**
 * What the worker caches and for how long, as a job's answer is stored and as {@code promptyard
 * cache warm} stores a known answer: one set of rules for both, so that a warmed entry is the one a
 * job would have written.
 */
public final class CacheRules {

  private CacheRules() {}

  /** The cache mode a request asks for: {@code DEFAULT} when it names none. */
  public static CacheMode asked(CompletionRequest request) {
    return request.getCache() == null ? CacheMode.DEFAULT : request.getCache().getMode();
  }

  /**
   * The mode the exact cache is used in: the one asked for, except that semantic mode uses the
   * exact cache as the default mode does (and the semantic cache after it).
   */
  public static CacheMode exactMode(CompletionRequest request) {
    CacheMode asked = asked(request);
    return asked == CacheMode.SEMANTIC ? CacheMode.DEFAULT : asked;
  }

  /** Whether a paid answer is stored in the exact cache in {@code exactMode}. */
  public static boolean storesExact(CacheMode exactMode) {
    return exactMode == CacheMode.DEFAULT || exactMode == CacheMode.REFRESH;
  }

  /**
   * How long an answer to {@code request} stays cached: its own TTL, else the model's from the
   * catalog, else {@code workerDefault} ({@code PROMPTYARD_CACHE_TTL_SECONDS}).
   */
  public static Duration ttl(CompletionRequest request, ModelSpec spec, Duration workerDefault) {
    if (request.getCache() != null && request.getCache().getTtlSeconds() != null) {
      return Duration.ofSeconds(request.getCache().getTtlSeconds());
    }
    return spec.cacheTtl() != null ? spec.cacheTtl() : workerDefault;
  }

  /**
   * The result of a provider's answer to {@code request} by {@code spec}, as a job publishes it and
   * the caches store it (and as {@link CacheWarmer} stores a known answer): its {@code parsedJson}
   * is the text when the request asks for a JSON response format.
   *
   * @param attempts the job's attempts, the answering call included (none for a warmed answer)
   * @param latency from when the worker took the job to the answer
   * @param end when the answer came
   */
  public static CompletionResult succeeded(
      CompletionRequest request,
      ModelSpec spec,
      Output answer,
      TokenUsage tokens,
      long costMicros,
      int attempts,
      Duration latency,
      Instant end) {
    Parameters p = request.getParameters();
    boolean json =
        p != null
            && p.getResponseFormat() != null
            && !"text".equals(p.getResponseFormat().getType());
    return CompletionResult.newBuilder()
        .setId(request.getId())
        .setTeam(request.getTeam())
        .setStatus(ResultStatus.SUCCEEDED)
        .setProvider(spec.provider())
        .setModel(spec.id())
        .setOutput(Output.newBuilder(answer).setParsedJson(json ? answer.getText() : null).build())
        .setUsage(tokens)
        .setCostMicros(costMicros)
        .setCached(false)
        .setLatencyMillis(latency.toMillis())
        .setAttempts(attempts)
        .setBatchId(request.getBatchId())
        .setCustomId(request.getCustomId())
        .setCompletedAt(end)
        .build();
  }
}

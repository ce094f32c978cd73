package io.promptyard.worker.cache;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.catalog.Usage;
import io.promptyard.schemas.CacheMode;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.Output;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.semanticcache.CompressedAnswer;
import io.promptyard.semanticcache.Embedder;
import io.promptyard.semanticcache.SemanticKey;
import io.promptyard.semanticcache.SemanticQuery;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;

/**
 * Fills the caches with answers already known, without a provider call ({@code promptyard cache
 * warm}): a known answer to a request is stored as a job that paid for it would store it — under
 * the same exact key ({@link CacheKey}) for the same TTL ({@link CacheRules}), and, for a request
 * in semantic mode, as the same {@code SemanticCacheEntry} on the semantic-cache topic every worker
 * reads, embedded by the workers' model. A request a job would not cache is skipped, with the
 * reason.
 */
public final class CacheWarmer {

  /**
   * What warming one answer did.
   *
   * @param exact whether it was stored in the exact cache
   * @param semantic whether it was written to the semantic cache topic
   * @param skipped why it was not stored at all, or not semantically; null when it was stored
   *     everywhere its request asks
   */
  public record Outcome(boolean exact, boolean semantic, String skipped) {}

  /**
   * A known answer: what the provider said (text or tool calls, and why it stopped) and what it
   * used.
   */
  public record Answer(Output output, Usage usage) {

    /** A text answer. */
    public static Answer text(String text, String finishReason, Usage usage) {
      return new Answer(new Output(text, List.of(), finishReason, null), usage);
    }
  }

  private final ModelCatalog catalog;
  private final ResponseCache cache;
  private final Embedder embedder;
  private final AtomicLong failedWrites = new AtomicLong();
  private final Producer<String, byte[]> producer;
  private final String topic;
  private final Duration defaultTtl;
  private final Clock clock;
  private final AvroSerde<CompletionResult> serde = AvroSerde.of(CompletionResult.class);

  /**
   * @param cache the workers' exact cache
   * @param embedder the workers' embedding model (lazy: loaded by the first semantic request)
   * @param producer writes semantic entries to {@code topic}
   * @param defaultTtl the workers' {@code PROMPTYARD_CACHE_TTL_SECONDS}
   */
  public CacheWarmer(
      ModelCatalog catalog,
      ResponseCache cache,
      Embedder embedder,
      Producer<String, byte[]> producer,
      String topic,
      Duration defaultTtl,
      Clock clock) {
    this.catalog = catalog;
    this.cache = cache;
    this.embedder = embedder;
    this.producer = producer;
    this.topic = topic;
    this.defaultTtl = defaultTtl;
    this.clock = clock;
  }

  /**
   * Stores {@code answer} to {@code request} as answered by {@code provider}/{@code model}.
   *
   * @throws IllegalArgumentException when the catalog has no such model: a worker could not serve
   *     the entry
   */
  public Outcome warm(CompletionRequest request, String provider, String model, Answer answer) {
    ModelSpec spec =
        catalog
            .find(provider, model)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "model " + provider + "/" + model + " is not in the catalog"));
    CacheMode mode = CacheRules.exactMode(request);
    if (!CacheRules.storesExact(mode)) {
      return new Outcome(
          false,
          false,
          "cache mode " + mode.name().toLowerCase(java.util.Locale.ROOT) + ": never stored");
    }
    Duration ttl = CacheRules.ttl(request, spec, defaultTtl);
    if (!ttl.isPositive()) {
      return new Outcome(false, false, "cache ttl of 0 s");
    }
    CompletionResult result = result(request, spec, answer);
    cache.put(CacheKey.of(request, provider, model), serde.encode(result), ttl);
    if (CacheRules.asked(request) != CacheMode.SEMANTIC) {
      return new Outcome(true, false, null);
    }
    Optional<SemanticQuery> query = SemanticKey.of(request, provider, model);
    if (query.isEmpty()) {
      return new Outcome(true, false, "semantic mode, but no plain-text user message to compare");
    }
    float[] vector = embedder.embed(query.get().text());
    producer.send(
        SemanticCacheTopic.record(
            topic,
            SemanticCacheTopic.entry(
                query.get(),
                vector,
                result.getId(),
                CompressedAnswer.of(serde.encode(result)),
                clock.instant().plus(ttl),
                embedder.describe())),
        (meta, e) -> {
          if (e != null) {
            failedWrites.incrementAndGet();
          }
        });
    return new Outcome(true, true, null);
  }

  /** Semantic entries the topic refused (known once the producer has flushed). */
  public long failedWrites() {
    return failedWrites.get();
  }

  /** The result a job that paid for {@code answer} would have cached. */
  private CompletionResult result(CompletionRequest request, ModelSpec spec, Answer answer) {
    Usage u = answer.usage();
    return CacheRules.succeeded(
        request,
        spec,
        answer.output(),
        new TokenUsage(
            u.inputTokens(), u.outputTokens(), u.cachedInputTokens(), u.reasoningTokens()),
        spec.prices().costMicros(u),
        0,
        Duration.ZERO,
        clock.instant());
  }
}

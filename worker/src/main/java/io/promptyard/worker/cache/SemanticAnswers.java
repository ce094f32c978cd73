package io.promptyard.worker.cache;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.Output;
import io.promptyard.schemas.SemanticPause;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import io.promptyard.semanticcache.AnswerComparison;
import io.promptyard.semanticcache.CompressedAnswer;
import io.promptyard.semanticcache.LazyEmbedder;
import io.promptyard.semanticcache.SemanticCache;
import io.promptyard.semanticcache.SemanticCacheConfig;
import io.promptyard.semanticcache.SemanticKey;
import io.promptyard.semanticcache.SemanticQuery;
import io.promptyard.worker.metrics.WorkerMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The semantic cache as a job sees it ({@code metadata.cache.mode: "semantic"}): after the exact
 * cache missed, {@link #probe} looks for an earlier answer to a reworded last user message of the
 * same team, model, other messages and parameters; after a paid call, {@link #remember} stores the
 * answer in this worker's index and on the semantic-cache topic, from which every worker's index is
 * fed. As with the exact cache, a failing semantic cache never fails a job: it misses.
 *
 * <p>It also holds what shadow verification needs ({@link Shadowing}): which hits are shadowed,
 * which teams are paused, how answers are compared, and where the verifications' usage goes.
 */
public final class SemanticAnswers implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SemanticAnswers.class);

  /** How long a lookup waits, at most, for a starting worker to read the topic into its index. */
  static final Duration LOAD_WAIT = Duration.ofSeconds(10);

  /**
   * A semantic lookup's outcome.
   *
   * @param query the exact part of the key and the text compared
   * @param vector the text's embedding, kept for {@link #remember}
   * @param hit the reused answer (with {@code cacheMatch=semantic}, the similarity and the reused
   *     request id), or empty on a miss
   */
  public record Probe(SemanticQuery query, float[] vector, Optional<CompletionResult> hit) {}

  /**
   * Shadow verification of semantic hits.
   *
   * @param settings which hits are shadowed
   * @param pauses which teams' semantic mode is paused
   * @param usage where the usage of a shadow call made after its job's outcome goes (the usage
   *     topic)
   * @param calls where shadow calls run, after their hit's outcome is returned
   */
  public record Shadowing(
      ShadowSettings settings, SemanticPauses pauses, Consumer<UsageEvent> usage, Executor calls) {

    /** No hit shadowed, no team paused. */
    public static final Shadowing OFF =
        new Shadowing(ShadowSettings.NONE, SemanticPauses.NONE, e -> {}, Runnable::run);
  }

  private static final SemanticAnswers OFF =
      new SemanticAnswers(null, null, WorkerMetrics.noop(), Clock.systemUTC());

  private final SemanticCache cache;
  private final SemanticCacheTopic topic;
  private final WorkerMetrics metrics;
  private final Clock clock;
  private final Shadowing shadowing;
  private final AnswerComparison comparison;
  private final AvroSerde<CompletionResult> serde = AvroSerde.of(CompletionResult.class);

  /**
   * @param cache the index, whose embedder should load lazily
   * @param topic where paid answers go for every worker, and whose reading a lookup waits for at
   *     start; null for a cache of this worker only
   * @param metrics told each lookup's result
   */
  public SemanticAnswers(
      SemanticCache cache, SemanticCacheTopic topic, WorkerMetrics metrics, Clock clock) {
    this(cache, topic, metrics, clock, Shadowing.OFF);
  }

  /**
   * @param shadowing which hits are shadowed, which teams are paused, and where shadow usage goes
   */
  public SemanticAnswers(
      SemanticCache cache,
      SemanticCacheTopic topic,
      WorkerMetrics metrics,
      Clock clock,
      Shadowing shadowing) {
    this.cache = cache;
    this.topic = topic;
    this.metrics = metrics;
    this.clock = clock;
    this.shadowing = shadowing;
    this.comparison = cache == null ? null : AnswerComparison.of(cache.embedder());
  }

  /**
   * A semantic cache fed by, and feeding, the compacted {@code topic}: all-MiniLM-L6-v2, loaded on
   * the first request that needs an embedding, and {@link SemanticCacheConfig#defaults()}.
   */
  public static SemanticAnswers start(
      KafkaClientProperties kafka,
      String topic,
      WorkerMetrics metrics,
      Clock clock,
      Shadowing shadowing) {
    SemanticCache cache =
        new SemanticCache(LazyEmbedder.miniLm(), SemanticCacheConfig.defaults(), clock);
    return new SemanticAnswers(
        cache, new SemanticCacheTopic(kafka, topic, cache, clock), metrics, clock, shadowing);
  }

  /** No semantic cache: semantic requests are served by the exact cache alone. */
  public static SemanticAnswers off() {
    return OFF;
  }

  /** Whether requests may be answered semantically. */
  public boolean enabled() {
    return cache != null;
  }

  /**
   * Looks for an answer to {@code request}, routed to {@code provider}/{@code model}: empty when
   * the semantic cache is off, when the request cannot be compared semantically (no plain-text user
   * message) or when the cache fails.
   */
  public Optional<Probe> probe(CompletionRequest request, String provider, String model)
      throws InterruptedException {
    if (cache == null) {
      return Optional.empty();
    }
    Optional<SemanticQuery> query = SemanticKey.of(request, provider, model);
    if (query.isEmpty()) {
      return Optional.empty();
    }
    if (topic != null && !topic.awaitLoaded(LOAD_WAIT)) {
      log.warn(
          "request {}: the semantic cache is still reading its topic; looking in what it has",
          ProducerText.escape(request.getId()));
    }
    try {
      float[] vector = cache.embedder().embed(query.get().text());
      Double own = request.getCache() == null ? null : request.getCache().getMinSimilarity();
      SemanticCache.Lookup lookup =
          own == null ? cache.lookup(query.get(), vector) : cache.lookup(query.get(), vector, own);
      Optional<CompletionResult> hit =
          lookup
              .hit()
              .flatMap(
                  h ->
                      decode(h.answer(), request.getId())
                          .map(
                              r ->
                                  CompletionResult.newBuilder(r)
                                      .setCacheMatch("semantic")
                                      .setSimilarity(h.similarity())
                                      .setReusedRequestId(h.requestId())
                                      .build()));
      metrics.semanticCache(
          hit.isPresent() ? "hit" : lookup.refused().isPresent() ? "refused" : "miss");
      return Optional.of(new Probe(query.get(), vector, hit));
    } catch (RuntimeException e) {
      log.warn(
          "request {}: the semantic cache failed; answering without it: {}",
          ProducerText.escape(request.getId()),
          e.toString());
      return Optional.empty();
    }
  }

  /**
   * Stores a paid answer to the probed question for {@code ttl}, in this worker's index and on the
   * topic. A failure to store is logged, never the job's.
   */
  public void remember(Probe probe, CompletionResult paid, Duration ttl) {
    if (cache == null || !ttl.isPositive()) {
      return;
    }
    try {
      CompressedAnswer answer = CompressedAnswer.of(serde.encode(paid));
      Instant expires = clock.instant().plus(ttl);
      cache.put(probe.query(), probe.vector(), paid.getId(), answer, expires.toEpochMilli());
      if (topic != null) {
        topic.publish(
            SemanticCache.entryId(probe.query()),
            SemanticCacheTopic.entry(
                probe.query(),
                probe.vector(),
                paid.getId(),
                answer,
                expires,
                cache.embedder().describe()));
      }
    } catch (RuntimeException e) {
      log.warn(
          "request {}: could not store the answer in the semantic cache: {}",
          ProducerText.escape(paid.getId()),
          e.toString());
    }
  }

  private Optional<CompletionResult> decode(byte[] answer, String requestId) {
    try {
      return Optional.of(serde.decode(answer));
    } catch (UndecodableRecordException e) {
      log.warn(
          "request {}: ignoring an undecodable semantic cache entry: {}",
          ProducerText.escape(requestId),
          ProducerText.escape(e.getMessage()));
      return Optional.empty();
    }
  }

  /** Whether the semantic hit of {@code request} is shadowed. */
  public boolean shadows(CompletionRequest request) {
    return shadowing.settings().shadows(request.getTeam(), request.getId());
  }

  /** Shadow verification's settings and channels. */
  public Shadowing shadowing() {
    return shadowing;
  }

  /** The decision that paused {@code team}'s semantic mode, when it is paused. */
  public Optional<SemanticPause> pause(String team) {
    return shadowing.pauses().of(team);
  }

  /**
   * Compares a semantic hit's {@code cached} answer with a {@code fresh} one to request {@code
   * requestId}: their text, or for tool calls the calls' names and arguments. Empty, with a
   * warning, when the embedding fails: a comparison missed, never a failed job.
   */
  public Optional<AnswerComparison.Verdict> compare(String requestId, Output cached, Output fresh) {
    try {
      return Optional.of(comparison.compare(text(cached), text(fresh)));
    } catch (RuntimeException e) {
      log.warn(
          "request {}: could not compare its semantic hit's answer with a fresh one: {}",
          ProducerText.escape(requestId),
          e.toString());
      return Optional.empty();
    }
  }

  private static String text(Output output) {
    if (output == null) {
      return "";
    }
    if (output.getText() != null || output.getToolCalls().isEmpty()) {
      return output.getText() == null ? "" : output.getText();
    }
    StringBuilder calls = new StringBuilder();
    output.getToolCalls().forEach(c -> calls.append(c.getName()).append(c.getArguments()));
    return calls.toString();
  }

  /** Stops reading the topic and drops the index. */
  @Override
  public void close() {
    shadowing.pauses().close();
    if (topic != null) {
      topic.close();
    }
    if (cache != null) {
      cache.close();
    }
  }
}

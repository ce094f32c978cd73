package io.promptyard.semanticcache;

import java.time.Duration;

/**
 * How the semantic cache matches and how much it holds.
 *
 * @param minSimilarity cosine similarity a cached prompt needs at least to answer (and then the
 *     {@link NearMissGuard} must find no difference)
 * @param maxEntries entries held at most; past it the least recently used go
 * @param maxBytes bytes held at most (answers as stored, prompts, vectors, an estimate of the
 *     index's own), past which the least recently used go
 * @param candidates nearest entries looked at per lookup: the nearest may be a near miss that the
 *     guard refuses while the next is a true paraphrase
 * @param refreshInterval how long an entry may take to become findable after it is stored ({@code
 *     ZERO}: at once, each write then costing a small index segment)
 */
public record SemanticCacheConfig(
    double minSimilarity, int maxEntries, long maxBytes, int candidates, Duration refreshInterval) {

  /**
   * The default threshold, chosen on the evaluation set in the module's test resources
   * (SemanticCacheEvaluationTest, docs/SEMANTIC-CACHE.md): false hits at most 1% with the guard.
   */
  public static final double DEFAULT_MIN_SIMILARITY = 0.85;

  public SemanticCacheConfig {
    if (!(minSimilarity > 0 && minSimilarity <= 1)) {
      throw new IllegalArgumentException(
          "semantic cache min similarity must be in (0, 1], got " + minSimilarity);
    }
    if (maxEntries < 1 || maxBytes < 1 || candidates < 1) {
      throw new IllegalArgumentException(
          "semantic cache max entries, max bytes and candidates must be positive, got "
              + maxEntries
              + ", "
              + maxBytes
              + ", "
              + candidates);
    }
    if (refreshInterval.isNegative()) {
      throw new IllegalArgumentException(
          "semantic cache refresh interval must not be negative, got " + refreshInterval);
    }
  }

  /** The defaults: the measured threshold, 100,000 entries, 256 MiB, 4 candidates, 100 ms. */
  public static SemanticCacheConfig defaults() {
    return new SemanticCacheConfig(
        DEFAULT_MIN_SIMILARITY, 100_000, 256L * 1024 * 1024, 4, Duration.ofMillis(100));
  }

  public SemanticCacheConfig withMinSimilarity(double value) {
    return new SemanticCacheConfig(value, maxEntries, maxBytes, candidates, refreshInterval);
  }

  public SemanticCacheConfig withBounds(int entries, long bytes) {
    return new SemanticCacheConfig(minSimilarity, entries, bytes, candidates, refreshInterval);
  }

  public SemanticCacheConfig withRefreshInterval(Duration value) {
    return new SemanticCacheConfig(minSimilarity, maxEntries, maxBytes, candidates, value);
  }
}

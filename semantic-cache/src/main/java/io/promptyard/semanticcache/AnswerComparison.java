package io.promptyard.semanticcache;

/**
 * Whether two answers to what the semantic cache took for the same question say the same thing,
 * judged by the cosine similarity of their embeddings: the shadow verification of a semantic hit
 * compares the cached answer with a fresh one this way. Identical texts agree without embedding.
 *
 * @param embedder the semantic cache's own model
 * @param minSimilarity the similarity two answers need at least to agree
 */
public record AnswerComparison(Embedder embedder, double minSimilarity) {

  /**
   * The default threshold, measured on a few pairs of answers with all-MiniLM-L6-v2
   * (AnswerComparisonTest, docs/SEMANTIC-CACHE.md): answers saying the same in other words mostly
   * score 0.76 to 0.99, different answers 0.26 to 0.72, except a flipped yes/no (0.86).
   */
  public static final double DEFAULT_MIN_SIMILARITY = 0.75;

  public AnswerComparison {
    if (!(minSimilarity > 0 && minSimilarity <= 1)) {
      throw new IllegalArgumentException(
          "answer comparison min similarity must be in (0, 1], got " + minSimilarity);
    }
  }

  /** The comparison at {@link #DEFAULT_MIN_SIMILARITY}. */
  public static AnswerComparison of(Embedder embedder) {
    return new AnswerComparison(embedder, DEFAULT_MIN_SIMILARITY);
  }

  /** The two answers' similarity, and whether they agree. */
  public record Verdict(double similarity, boolean agree) {}

  /** Compares the {@code cached} answer with the {@code fresh} one. */
  public Verdict compare(String cached, String fresh) {
    if (cached.equals(fresh)) {
      return new Verdict(1, true);
    }
    float[] a = embedder.embed(cached);
    float[] b = embedder.embed(fresh);
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
    }
    return new Verdict(dot, dot >= minSimilarity);
  }
}

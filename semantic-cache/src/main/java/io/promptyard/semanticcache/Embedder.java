package io.promptyard.semanticcache;

/**
 * Turns a prompt into a unit-length vector, so that the dot product of two vectors is the cosine
 * similarity of their prompts.
 */
public interface Embedder {

  /** The vector of {@code text}, of length {@link #dimension()} and unit norm. */
  float[] embed(String text);

  /** The length of every vector this embedder returns. */
  int dimension();

  /** Which model embeds, for logs and figures: {@code all-MiniLM-L6-v2 (in-process)}. */
  String describe();

  /** Scales {@code vector} in place to unit length (left as it is when it is all zeros). */
  static float[] normalize(float[] vector) {
    double sum = 0;
    for (float v : vector) {
      sum += v * v;
    }
    if (sum > 0) {
      float scale = (float) (1 / Math.sqrt(sum));
      for (int i = 0; i < vector.length; i++) {
        vector[i] *= scale;
      }
    }
    return vector;
  }
}

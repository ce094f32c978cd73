package io.promptyard.semanticcache;

import java.util.Locale;

/**
 * A stand-in embedder for tests of the cache's mechanics: a bag of lower-cased words hashed into 64
 * dimensions, so that texts with the same words are identical and texts sharing most words are
 * close.
 */
final class WordHashEmbedder implements Embedder {

  @Override
  public float[] embed(String text) {
    float[] v = new float[dimension()];
    for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (!word.isEmpty()) {
        v[Math.floorMod(word.hashCode(), v.length)] += 1;
      }
    }
    return Embedder.normalize(v);
  }

  @Override
  public int dimension() {
    return 64;
  }

  @Override
  public String describe() {
    return "word hashes (tests)";
  }
}

package io.promptyard.semanticcache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The quality floor of the semantic cache on the evaluation set (src/test/resources/eval): at the
 * default threshold, with the real embedding model and the guard, near misses are almost never
 * answered from the cache, and most paraphrases are.
 */
class SemanticCacheEvaluationTest {

  private static EvaluationSet set;
  private static EvaluationSet.Scored scored;

  @BeforeAll
  static void score() {
    set = EvaluationSet.load("/eval");
    scored = set.score(new MiniLmEmbedder());
    double d = SemanticCacheConfig.DEFAULT_MIN_SIMILARITY;
    // The figures and the failures, for whoever tunes the threshold or the guard.
    for (int t = 60; t <= 95; t += 5) {
      System.out.println(scored.at(t / 100.0));
    }
    System.out.println("default: " + scored.at(d));
    System.out.println("lowest threshold with at most 1% false hits: " + scored.safest(0.01));
    scored.falseHits(d).forEach(p -> System.out.println("FALSE HIT " + p));
    scored.paraphrases().stream()
        .filter(p -> !p.hitAt(d))
        .forEach(p -> System.out.println("MISSED " + p));
  }

  @Test
  void theSetHasTwoHundredPairsOfEachKind() {
    assertThat(set.paraphrases()).hasSizeGreaterThanOrEqualTo(200);
    assertThat(set.nearMisses()).hasSizeGreaterThanOrEqualTo(200);
  }

  @Test
  void nearMissesAreAlmostNeverAnsweredAtTheDefaultThreshold() {
    EvaluationSet.Rates rates = scored.at(SemanticCacheConfig.DEFAULT_MIN_SIMILARITY);

    assertThat(rates.falseHitRate()).isLessThanOrEqualTo(0.01);
  }

  @Test
  void mostParaphrasesAreAnsweredAtTheDefaultThreshold() {
    EvaluationSet.Rates rates = scored.at(SemanticCacheConfig.DEFAULT_MIN_SIMILARITY);

    assertThat(rates.paraphraseHitRate()).isGreaterThanOrEqualTo(0.60);
  }
}

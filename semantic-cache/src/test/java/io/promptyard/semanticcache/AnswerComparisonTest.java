package io.promptyard.semanticcache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Answers compared with the real model at the default threshold: the pairs the threshold was chosen
 * on (docs/SEMANTIC-CACHE.md), including the two it gets wrong, so that a change of model or
 * threshold that moves them shows here.
 */
class AnswerComparisonTest {

  private static AnswerComparison comparison;

  @BeforeAll
  static void load() {
    comparison = AnswerComparison.of(new MiniLmEmbedder());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Paris is the capital of France.|The capital of France is Paris.",
        "5 km is about 3.11 miles.|Five kilometres equal roughly 3.1 miles.",
        "Water boils at 100 degrees Celsius at sea level.|At sea level, the boiling point of water is 100 °C.",
        "Use git rebase -i HEAD~3 to squash the last three commits.|Run an interactive rebase (git rebase -i HEAD~3) and mark the commits as squash.",
        "The mitochondria produce most of the cell's energy as ATP.|Most of a cell's ATP is made in its mitochondria.",
        "Yes, you can freeze cooked rice for up to a month.|Cooked rice keeps in the freezer for about one month.",
        "Python lists are mutable; tuples are immutable.|Unlike tuples, which cannot be changed, lists in Python can be modified."
      })
  void answersSayingTheSameInOtherWordsAgree(String cached, String fresh) {
    assertThat(comparison.compare(cached, fresh).agree()).isTrue();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Paris is the capital of France.|Berlin is the capital of Germany.",
        "Paris is the capital of France.|Lyon is the capital of France.",
        "5 km is about 3.11 miles.|8 km is about 4.97 miles.",
        "Water boils at 100 degrees Celsius at sea level.|Bake the cake at 180 degrees for 35 minutes.",
        "Use git rebase -i HEAD~3 to squash the last three commits.|Use git cherry-pick to copy a commit onto another branch.",
        "The mitochondria produce most of the cell's energy as ATP.|Chloroplasts carry out photosynthesis in plant cells.",
        "Python lists are mutable; tuples are immutable.|Java strings are immutable objects."
      })
  void differentAnswersDisagree(String cached, String fresh) {
    assertThat(comparison.compare(cached, fresh).agree()).isFalse();
  }

  @Test
  void theKnownMissesAreATerseAnswerAndAFlippedYesOrNo() {
    // a one-word answer and a sentence saying the same: counted as a disagreement (a false alarm)
    assertThat(comparison.compare("Paris.", "The capital city of France is Paris.").agree())
        .isFalse();
    // the same words with the opposite meaning: counted as agreeing (a false hit missed)
    assertThat(
            comparison
                .compare(
                    "Yes, you can freeze cooked rice for up to a month.",
                    "No, cooked rice should not be frozen.")
                .agree())
        .isTrue();
  }

  @Test
  void identicalAnswersAgreeWithoutEmbedding() {
    AnswerComparison.Verdict same =
        AnswerComparison.of(
                new Embedder() {
                  @Override
                  public float[] embed(String text) {
                    throw new AssertionError("embedded " + text);
                  }

                  @Override
                  public int dimension() {
                    return 1;
                  }

                  @Override
                  public String describe() {
                    return "none";
                  }
                })
            .compare("Paris.", "Paris.");

    assertThat(same).isEqualTo(new AnswerComparison.Verdict(1, true));
  }
}

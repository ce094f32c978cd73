package io.promptyard.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnswerScreenTest {

  @Test
  void personalDataAndSecretsInAnAnswerAreFoundAndReplaced() {
    String answer =
        "Write to jane.doe@example.com; the card on file is 4111 1111 1111 1111 and the key is"
            + " sk-proj-abcdefghijklmnopqrstuvwxyz012345";

    AnswerScreen.Screened screened = AnswerScreen.screen(answer, "US");

    assertThat(screened.types()).containsExactly("CARD", "EMAIL", "OPENAI_KEY");
    assertThat(screened.redactedText())
        .isEqualTo("Write to [EMAIL_1]; the card on file is [CARD_1] and the key is [OPENAI_KEY_1]")
        .doesNotContain("jane.doe", "4111", "sk-proj");
    assertThat(screened.score()).isPositive();
    assertThat(screened.findings().toString()).doesNotContain("jane.doe", "4111");
  }

  @Test
  void anAnswerWithoutValuesIsCleanAndUnchanged() {
    String answer = "Order 1234-5678 ships on 2026-12-07; ignore the outliers.";

    AnswerScreen.Screened screened = AnswerScreen.screen(answer, "US");

    assertThat(screened.clean()).isTrue();
    assertThat(screened.redactedText()).isSameAs(answer);
    assertThat(screened.score()).isZero();
  }
}

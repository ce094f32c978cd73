package io.promptyard.schemas.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProducerTextTest {

  @Test
  void writesLineBreaksAndTabsAsJavaEscapes() {
    assertThat(ProducerText.escape("a\nINFO forged\r\tb")).isEqualTo("a\\nINFO forged\\r\\tb");
  }

  @Test
  void doublesBackslashesSoAnEscapeCannotBeForgedEither() {
    assertThat(ProducerText.escape("a\\nb")).isEqualTo("a\\\\nb");
  }

  @ParameterizedTest
  @ValueSource(
      ints = {
        0x00,
        0x07,
        0x1b,
        0x1f,
        0x7f,
        0x80,
        0x85,
        0x9f, // C0, DEL, C1 (0x85 is NEXT LINE)
        0x2028,
        0x2029, // line and paragraph separators
        0x202a,
        0x202b,
        0x202c,
        0x202d,
        0x202e, // bidirectional embeddings and overrides
        0x2066,
        0x2067,
        0x2068,
        0x2069 // bidirectional isolates
      })
  void writesOtherControlsAsUnicodeEscapes(int control) {
    String escaped = ProducerText.escape("a" + (char) control + "b");

    assertThat(escaped).isEqualTo(String.format("a\\u%04xb", control));
    assertThat(escaped.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
  }

  @Test
  void leavesPrintableTextAlone() {
    String text = "team-a/summarize@2 «naïve» 日本語 \u200d emoji \ud83d\ude00";

    assertThat(ProducerText.escape(text)).isEqualTo(text);
  }

  @Test
  void cutsLongTextAndKeepsNull() {
    assertThat(ProducerText.escape("x".repeat(ProducerText.MAX_CHARS + 1)))
        .isEqualTo("x".repeat(ProducerText.MAX_CHARS) + "…");
    assertThat(ProducerText.escape(null)).isNull();
  }
}

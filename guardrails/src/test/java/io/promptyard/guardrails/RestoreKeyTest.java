package io.promptyard.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The restore mode's sealed mapping: only the key it was sealed with, for the request it was sealed
 * for, opens it; the sealed bytes hold no value in clear; a changed byte makes it unreadable.
 */
class RestoreKeyTest {

  private static final String EMAIL = "jane.doe@example.com";
  private static final String CARD = "4111 1111 1111 1111";
  private static final RestoreKey KEY = RestoreKey.of(bytes(7));

  @Test
  void aSealedMappingOpensWithItsKeyForItsRequestAndPutsTheValuesBack() {
    Redactions redactions = redactions();
    String answer = "Write to [EMAIL_1] about [CARD_1]; [EMAIL_1] again, [PHONE_9] unknown.";

    byte[] sealed = KEY.seal(redactions, "team-a", "r-1");

    assertThat(KEY.open(sealed, "team-a", "r-1").orElseThrow().restore(answer))
        .isEqualTo(
            "Write to " + EMAIL + " about " + CARD + "; " + EMAIL + " again, [PHONE_9] unknown.");
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1))
        .doesNotContain(EMAIL)
        .doesNotContain("jane")
        .doesNotContain("4111")
        .doesNotContain("EMAIL_1");
  }

  @Test
  void anotherKeyAnotherRequestOrAChangedByteDoNotOpenIt() {
    byte[] sealed = KEY.seal(redactions(), "team-a", "r-1");

    assertThat(RestoreKey.of(bytes(8)).open(sealed, "team-a", "r-1")).isEmpty();
    assertThat(KEY.open(sealed, "team-a", "r-2")).isEmpty();
    assertThat(KEY.open(sealed, "team-b", "r-1")).isEmpty();
    for (int i = 0; i < sealed.length; i++) {
      byte[] tampered = sealed.clone();
      tampered[i] ^= 1;
      assertThat(KEY.open(tampered, "team-a", "r-1")).as("byte %d changed", i).isEmpty();
    }
    assertThat(KEY.open(Arrays.copyOf(sealed, 20), "team-a", "r-1")).isEmpty();
    assertThat(KEY.open(new byte[0], "team-a", "r-1")).isEmpty();
    assertThat(KEY.open(null, "team-a", "r-1")).isEmpty();
  }

  @Test
  void twoSealsOfOneMappingDifferAndTheKeyIsNeverShown() {
    Redactions redactions = redactions();

    assertThat(KEY.seal(redactions, "team-a", "r-1"))
        .isNotEqualTo(KEY.seal(redactions, "team-a", "r-1"));
    assertThat(KEY.toString()).isEqualTo("RestoreKey[not shown]");
    assertThatThrownBy(() -> RestoreKey.of(new byte[16]))
        .hasMessageContaining("32 bytes (AES-256), was 16");
  }

  @Test
  void restoringIsOnePassAndEscapesAsAsked() {
    Redactions redactions = new Redactions();
    String quoted = redactions.placeholder("EMAIL", "a\"b@example.com");
    String looksLikeAPlaceholder = redactions.placeholder("SSN", "[EMAIL_1]");

    assertThat(redactions.restore(looksLikeAPlaceholder + " " + quoted))
        .isEqualTo("[EMAIL_1] a\"b@example.com");
    assertThat(redactions.restore("{\"to\":\"" + quoted + "\"}", v -> v.replace("\"", "\\\"")))
        .isEqualTo("{\"to\":\"a\\\"b@example.com\"}");
    assertThat(Redactions.placeholdersIn("[EMAIL_1] and [CARD_12], not [x_1]")).isEqualTo(2);
  }

  @Test
  void aPolicyAsksForRestoreWithABoolean() {
    assertThat(GuardPolicy.DEFAULT.restore()).isFalse();
    assertThat(GuardPolicy.parse("{\"restore\": true}").restore()).isTrue();
    assertThat(GuardPolicy.parse("{\"restore\": true}").with(Detector.IP, Action.FLAG).restore())
        .isTrue();
    assertThatThrownBy(() -> GuardPolicy.parse("{\"restore\": \"yes\"}"))
        .hasMessage("restore must be true or false");
  }

  private static Redactions redactions() {
    Redactions redactions = new Redactions();
    redactions.placeholder("EMAIL", EMAIL);
    redactions.placeholder("CARD", CARD);
    return redactions;
  }

  private static byte[] bytes(int fill) {
    byte[] raw = new byte[32];
    Arrays.fill(raw, (byte) fill);
    return raw;
  }
}

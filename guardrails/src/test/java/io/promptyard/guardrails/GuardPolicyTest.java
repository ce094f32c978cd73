package io.promptyard.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GuardPolicyTest {

  @Test
  void aPolicyNamesOnlyWhatItChangesFromTheDefault() {
    GuardPolicy policy =
        GuardPolicy.parse(
            """
            {"detectors": {"card": "block", "phone": "off", "injection": "block"},
             "injection_threshold": 0.7, "phone_region": "GB"}
            """);

    assertThat(policy.action(Detector.CARD)).isEqualTo(Action.BLOCK);
    assertThat(policy.action(Detector.PHONE)).isEqualTo(Action.OFF);
    assertThat(policy.action(Detector.INJECTION)).isEqualTo(Action.BLOCK);
    assertThat(policy.action(Detector.EMAIL)).isEqualTo(GuardPolicy.DEFAULT.action(Detector.EMAIL));
    assertThat(policy.injectionThreshold()).isEqualTo(0.7);
    assertThat(policy.phoneRegion()).isEqualTo("GB");
  }

  @Test
  void anUnknownDetectorFailsNamingItAndTheKnownOnes() {
    assertThatThrownBy(() -> GuardPolicy.parse("{\"detectors\": {\"passport\": \"redact\"}}"))
        .hasMessageContaining("unknown detector 'passport'")
        .hasMessageContaining("email, phone, card, iban, ip, ssn, secret, injection");
  }

  @Test
  void anUnknownActionFailsNamingTheDetectorAndTheActions() {
    assertThatThrownBy(() -> GuardPolicy.parse("{\"detectors\": {\"email\": \"mask\"}}"))
        .hasMessageContaining("unknown action 'mask' for detector email")
        .hasMessageContaining("off, flag, redact, block");
  }

  @Test
  void badKeysAndValuesFailWithTheirName() {
    assertThatThrownBy(() -> GuardPolicy.parse("{\"detector\": {}}"))
        .hasMessageContaining("unknown key 'detector'");
    assertThatThrownBy(() -> GuardPolicy.parse("{\"injection_threshold\": 1.5}"))
        .hasMessageContaining("injection_threshold must be in (0, 1]");
    assertThatThrownBy(() -> GuardPolicy.parse("{\"phone_region\": \"usa\"}"))
        .hasMessageContaining("phone_region");
    assertThatThrownBy(() -> GuardPolicy.parse("{\"detectors\": {\"injection\": \"redact\"}}"))
        .hasMessageContaining("injection takes off, flag or block");
    assertThatThrownBy(() -> GuardPolicy.parse("not json")).hasMessageContaining("not JSON");
  }

  @Test
  void outputModerationIsOffUnlessAPolicySetsIt() {
    assertThat(GuardPolicy.DEFAULT.outputModeration()).isEqualTo(Action.OFF);
    assertThat(GuardPolicy.parse("{\"output_moderation\": \"redact\"}").outputModeration())
        .isEqualTo(Action.REDACT);
    assertThatThrownBy(() -> GuardPolicy.parse("{\"output_moderation\": \"hide\"}"))
        .hasMessageContaining("unknown action 'hide' for output_moderation");
    assertThatThrownBy(() -> GuardPolicy.parse("{\"output_moderation\": true}"))
        .hasMessageContaining("output_moderation must be a string");
  }

  @Test
  void changingADetectorKeepsTheOutputModeration() {
    GuardPolicy policy = GuardPolicy.DEFAULT.withOutputModeration(Action.BLOCK);

    assertThat(policy.with(Detector.CARD, Action.FLAG).outputModeration()).isEqualTo(Action.BLOCK);
  }
}

package io.promptyard.router.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.guardrails.Action;
import io.promptyard.guardrails.Detector;
import io.promptyard.guardrails.GuardPolicy;
import io.promptyard.router.RouterConfig;
import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PROMPTYARD_GUARD_POLICY: the default policy unless told off or given a file, read at start. */
class GuardSettingTest {

  @TempDir Path dir;

  @Test
  void theRouterGuardsWithTheDefaultPolicyUnlessToldOtherwise() {
    RouterConfig defaults = RouterConfig.from(new Settings(Map.of()));
    RouterConfig off = RouterConfig.from(new Settings(Map.of("PROMPTYARD_GUARD_POLICY", "off")));

    assertThat(defaults.guard().policy()).contains(GuardPolicy.DEFAULT);
    assertThat(off.guard().policy()).isEmpty();
  }

  @Test
  void aPolicyFileIsReadOverTheDefaults() throws IOException {
    Path file = dir.resolve("policy.json");
    Files.writeString(file, "{\"detectors\": {\"email\": \"flag\", \"injection\": \"block\"}}");

    GuardSetting setting = GuardSetting.parse(file.toString());

    assertThat(setting.name()).isEqualTo(file.toString());
    GuardPolicy policy = setting.policy().orElseThrow();
    assertThat(policy.action(Detector.EMAIL)).isEqualTo(Action.FLAG);
    assertThat(policy.action(Detector.INJECTION)).isEqualTo(Action.BLOCK);
    assertThat(policy.action(Detector.CARD)).isEqualTo(Action.REDACT);
  }

  @Test
  void aBadPolicyFileStopsTheRouterNamingTheFileAndTheProblem() throws IOException {
    Path missing = dir.resolve("missing.json");
    Path unknownDetector = dir.resolve("passport.json");
    Files.writeString(unknownDetector, "{\"detectors\": {\"passport\": \"block\"}}");
    Path notJson = dir.resolve("broken.json");
    Files.writeString(notJson, "{\"detectors\": ");

    assertThatThrownBy(
            () ->
                RouterConfig.from(
                    new Settings(Map.of("PROMPTYARD_GUARD_POLICY", missing.toString()))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("PROMPTYARD_GUARD_POLICY: policy file " + missing)
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> GuardSetting.parse(unknownDetector.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("PROMPTYARD_GUARD_POLICY: " + unknownDetector)
        .hasMessageContaining("unknown detector 'passport'");
    assertThatThrownBy(() -> GuardSetting.parse(notJson.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("PROMPTYARD_GUARD_POLICY: " + notJson)
        .hasMessageContaining("not JSON");
  }
}

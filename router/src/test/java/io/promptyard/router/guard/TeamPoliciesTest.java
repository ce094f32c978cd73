package io.promptyard.router.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.guardrails.Action;
import io.promptyard.guardrails.Detector;
import io.promptyard.guardrails.GuardPolicy;
import io.promptyard.schemas.TeamGuardPolicy;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A team's policy record read over the default policy, and the reasons one cannot be used. */
class TeamPoliciesTest {

  private static TeamGuardPolicy.Builder record(String team, Map<String, String> detectors) {
    return TeamGuardPolicy.newBuilder()
        .setTeam(team)
        .setDetectors(detectors)
        .setUpdatedAt(Instant.parse("2026-11-23T09:00:00Z"));
  }

  @Test
  void whatTheRecordDoesNotSetKeepsTheDefaultPolicys() {
    GuardPolicy policy =
        TeamPolicies.over(
            GuardPolicy.DEFAULT,
            "support",
            record("support", Map.of("email", "off", "injection", "block"))
                .setInjectionThreshold(0.8)
                .build());

    assertThat(policy.action(Detector.EMAIL)).isEqualTo(Action.OFF);
    assertThat(policy.action(Detector.INJECTION)).isEqualTo(Action.BLOCK);
    assertThat(policy.action(Detector.SECRET))
        .isEqualTo(GuardPolicy.DEFAULT.action(Detector.SECRET));
    assertThat(policy.injectionThreshold()).isEqualTo(0.8);
    assertThat(policy.phoneRegion()).isEqualTo(GuardPolicy.DEFAULT.phoneRegion());
    assertThat(policy.restore()).isEqualTo(GuardPolicy.DEFAULT.restore());
  }

  @Test
  void aTeamTurnsRestoreOnOrOffOverTheDefault() {
    GuardPolicy restoring = GuardPolicy.DEFAULT.withRestore(true);

    assertThat(
            TeamPolicies.over(
                    GuardPolicy.DEFAULT,
                    "support",
                    record("support", Map.of()).setRestore(true).build())
                .restore())
        .isTrue();
    assertThat(
            TeamPolicies.over(
                    restoring, "search", record("search", Map.of()).setRestore(false).build())
                .restore())
        .isFalse();
    assertThat(TeamPolicies.over(restoring, "ops", record("ops", Map.of()).build()).restore())
        .isTrue();
  }

  @Test
  void anUnusableRecordFailsNamingWhatIsWrong() {
    assertThatThrownBy(
            () ->
                TeamPolicies.over(
                    GuardPolicy.DEFAULT,
                    "support",
                    record("support", Map.of("retina", "flag")).build()))
        .hasMessageContaining("unknown detector 'retina'");
    assertThatThrownBy(
            () ->
                TeamPolicies.over(
                    GuardPolicy.DEFAULT,
                    "support",
                    record("support", Map.of("email", "shred")).build()))
        .hasMessageContaining("unknown action 'shred' for detector email");
    assertThatThrownBy(
            () ->
                TeamPolicies.over(
                    GuardPolicy.DEFAULT,
                    "support",
                    record("support", Map.of()).setInjectionThreshold(1.5).build()))
        .hasMessageContaining("injection_threshold must be in (0, 1]");
    assertThatThrownBy(
            () ->
                TeamPolicies.over(
                    GuardPolicy.DEFAULT, "support", record("finance", Map.of()).build()))
        .hasMessageContaining("keyed support is the policy of team finance");
  }
}

package io.promptyard.cli.guard;

import io.promptyard.guardrails.GuardPolicy;
import io.promptyard.router.guard.GuardSetting;
import io.promptyard.router.guard.TeamPolicies;
import io.promptyard.schemas.TeamGuardPolicy;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;

/**
 * The guard policy the router applies to one team's requests, and where it comes from: the team's
 * record on the guard-policies topic over the default policy, or the default alone when the team
 * has no record or one the router cannot use — as the router's {@link TeamPolicies} decides it.
 *
 * @param policy the policy the team's requests are inspected under
 * @param source which policy it is, for the operator: the team's own or the default, and why
 */
public record TeamGuard(GuardPolicy policy, String source) {

  private static final AvroSerde<TeamGuardPolicy> SERDE = AvroSerde.of(TeamGuardPolicy.class);

  /**
   * The policy of {@code team}, whose latest record on the guard-policies topic is {@code record}
   * (null when it has none), over {@code defaults}.
   */
  public static TeamGuard of(GuardSetting defaults, String team, byte[] record) {
    GuardPolicy base =
        defaults
            .policy()
            .orElseThrow(() -> new IllegalArgumentException("the guard is off: no policy applies"));
    String name = ProducerText.escape(team);
    String defaultName = "the default policy (" + defaults.name() + ")";
    if (record == null) {
      return new TeamGuard(base, defaultName + ": team " + name + " has no policy of its own");
    }
    try {
      return new TeamGuard(
          TeamPolicies.over(base, team, SERDE.decode(record)),
          "team " + name + "'s own policy, over the default policy (" + defaults.name() + ")");
    } catch (UndecodableRecordException | IllegalArgumentException e) {
      return new TeamGuard(
          base,
          defaultName
              + ": the policy record of team "
              + name
              + " is ignored, as the router ignores it: "
              + ProducerText.escape(e.getMessage()));
    }
  }
}

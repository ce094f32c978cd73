package io.promptyard.cli.guard;

import io.promptyard.cli.CommandGroup;
import io.promptyard.cli.TeamRecordAction;
import io.promptyard.guardrails.Action;
import io.promptyard.guardrails.Detector;
import io.promptyard.guardrails.GuardPolicy;
import io.promptyard.router.guard.TeamPolicies;
import io.promptyard.schemas.TeamGuardPolicy;
import io.promptyard.schemas.serde.AvroSerde;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code promptyard guard policy}: sets, shows and clears teams' own guard policies on the
 * guard-policies topic, which the router applies over its configured default policy.
 */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description =
        "Set, show or clear a team's own guard policy; the router applies it over its default policy (PROMPTYARD_GUARD_POLICY) from the team's next request.",
    subcommands = {
      GuardPolicyCommand.Set.class,
      GuardPolicyShowCommand.class,
      GuardPolicyCommand.Clear.class
    },
    footer = {
      "",
      "Examples:",
      "  promptyard guard policy set --team support --pii redact --injection block --injection-threshold 0.8",
      "  promptyard guard policy show",
      "  promptyard guard policy clear --team support"
    })
public final class GuardPolicyCommand extends CommandGroup {

  private static final AvroSerde<TeamGuardPolicy> SERDE = AvroSerde.of(TeamGuardPolicy.class);

  /** Who creates the guard-policies topic, for the message when it is missing. */
  private static final String CREATOR = "the router's start";

  /** The detectors {@code --pii} sets: personal data, not secrets or injections. */
  private static final List<Detector> PII =
      List.of(
          Detector.EMAIL, Detector.PHONE, Detector.CARD, Detector.IBAN, Detector.IP, Detector.SSN);

  /** {@code promptyard guard policy set --team T ...}. */
  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = {
        "Publish a team's guard policy to the guard-policies topic, replacing the team's previous one. Each",
        "detector is off, flag, redact or block (injection: off, flag or block); what is not set here follows",
        "the router's default policy. The router applies it from the team's next request."
      },
      footer = {
        "",
        "Examples:",
        "  promptyard guard policy set --team support --pii redact --injection block --injection-threshold 0.8",
        "  promptyard guard policy set --team research --pii flag --card block --phone-region GB"
      })
  public static final class Set extends TeamRecordAction {

    @Mixin TeamOption target;

    @Option(
        names = "--pii",
        paramLabel = "ACTION",
        description =
            "the action of every personal-data detector: email, phone, card, iban, ip, ssn")
    String pii;

    @Option(names = "--email", paramLabel = "ACTION", description = "email addresses")
    String email;

    @Option(names = "--phone", paramLabel = "ACTION", description = "phone numbers")
    String phone;

    @Option(names = "--card", paramLabel = "ACTION", description = "payment card numbers")
    String card;

    @Option(names = "--iban", paramLabel = "ACTION", description = "IBANs")
    String iban;

    @Option(names = "--ip", paramLabel = "ACTION", description = "IP addresses")
    String ip;

    @Option(names = "--ssn", paramLabel = "ACTION", description = "US social security numbers")
    String ssn;

    @Option(
        names = "--secret",
        paramLabel = "ACTION",
        description = "API keys and tokens, private keys")
    String secret;

    @Option(
        names = "--injection",
        paramLabel = "ACTION",
        description = "prompt injections: off, flag or block")
    String injection;

    @Option(
        names = "--injection-threshold",
        paramLabel = "SCORE",
        description = "the injection score in (0, 1] from which a message counts as an injection")
    Double injectionThreshold;

    @Option(
        names = "--phone-region",
        paramLabel = "REGION",
        description =
            "the ISO 3166 region (US, GB…) whose numbering plan phone numbers without a country code follow")
    String phoneRegion;

    @Option(
        names = "--output-moderation",
        paramLabel = "ACTION",
        description =
            "what the worker does with an answer holding personal data, a secret or a moderation category: off, flag (mark the result), redact (placeholders) or block (withhold it)")
    String outputModeration;

    @Option(
        names = "--restore",
        paramLabel = "true|false",
        arity = "1",
        description =
            "whether the worker puts the values the guard redacted back into the answer for the caller (the router needs PROMPTYARD_GUARD_RESTORE_KEY)")
    Boolean restore;

    @Override
    protected String act(PrintWriter out) throws Exception {
      String team = target.team();
      Map<String, String> detectors = detectors();
      if (detectors.isEmpty()
          && injectionThreshold == null
          && phoneRegion == null
          && outputModeration == null
          && restore == null) {
        throw new IllegalArgumentException(
            "nothing to set: give at least one of --pii, --email, --phone, --card, --iban, --ip,"
                + " --ssn, --secret, --injection, --injection-threshold, --phone-region,"
                + " --output-moderation or --restore (guard policy clear returns a team to the default policy)");
      }
      String output =
          outputModeration == null
              ? null
              : Action.byPolicyName(
                      outputModeration.trim().toLowerCase(Locale.ROOT), "--output-moderation")
                  .policyName();
      if (injectionThreshold != null && !(injectionThreshold > 0 && injectionThreshold <= 1)) {
        throw new IllegalArgumentException(
            "--injection-threshold must be a score in (0, 1], such as 0.8; was "
                + injectionThreshold);
      }
      if (phoneRegion != null && !phoneRegion.toUpperCase(Locale.ROOT).matches("[A-Z]{2}")) {
        throw new IllegalArgumentException(
            "--phone-region must be an ISO 3166 two-letter region such as US or GB; was "
                + phoneRegion);
      }
      TeamGuardPolicy policy =
          TeamGuardPolicy.newBuilder()
              .setTeam(team)
              .setDetectors(detectors)
              .setInjectionThreshold(injectionThreshold)
              .setPhoneRegion(phoneRegion == null ? null : phoneRegion.toUpperCase(Locale.ROOT))
              .setOutputModeration(output)
              .setRestore(restore)
              .setUpdatedAt(connection.clock().instant())
              .build();
      // the router's own check, over the built-in default: what it would refuse is refused here
      TeamPolicies.over(GuardPolicy.DEFAULT, team, policy);
      String topic = connection.topics().guardPolicies();
      publish(topic, CREATOR, team, SERDE.encode(topic, policy));
      String outcome =
          "guard policy of "
              + team
              + " set: "
              + describe(policy)
              + "; anything else follows the router's default policy";
      out.println(outcome);
      return outcome;
    }

    /** Each detector's action, checked: {@code --pii} first, then each detector's own option. */
    private Map<String, String> detectors() {
      Map<Detector, String> given = new EnumMap<>(Detector.class);
      Map<Detector, String> option = new EnumMap<>(Detector.class);
      if (pii != null) {
        PII.forEach(
            d -> {
              given.put(d, pii);
              option.put(d, "--pii");
            });
      }
      String[] own = {email, phone, card, iban, ip, ssn, secret, injection};
      Detector[] detectors = {
        Detector.EMAIL,
        Detector.PHONE,
        Detector.CARD,
        Detector.IBAN,
        Detector.IP,
        Detector.SSN,
        Detector.SECRET,
        Detector.INJECTION
      };
      for (int i = 0; i < own.length; i++) {
        if (own[i] != null) {
          given.put(detectors[i], own[i]);
          option.put(detectors[i], "--" + detectors[i].policyName());
        }
      }
      Map<String, String> checked = new LinkedHashMap<>();
      given.forEach(
          (d, action) -> {
            Action a = Action.byPolicyName(action.trim().toLowerCase(Locale.ROOT), option.get(d));
            if (d == Detector.INJECTION && a == Action.REDACT) {
              throw new IllegalArgumentException(
                  "--injection takes off, flag or block (an injection has no value to redact)");
            }
            checked.put(d.policyName(), a.policyName());
          });
      return checked;
    }
  }

  /** {@code promptyard guard policy clear --team T}. */
  @Command(
      name = "clear",
      mixinStandardHelpOptions = true,
      description =
          "Return a team to the router's default policy: publishes a tombstone for the team on the guard-policies topic.",
      footer = {"", "Examples:", "  promptyard guard policy clear --team support"})
  public static final class Clear extends TeamRecordAction {

    @Mixin TeamOption target;

    @Override
    protected String act(PrintWriter out) throws Exception {
      String team = target.team();
      publish(connection.topics().guardPolicies(), CREATOR, team, null);
      String outcome = "guard policy of " + team + " cleared: the default policy applies";
      out.println(outcome);
      return outcome;
    }
  }

  /** What {@code policy} sets, in words: its detectors' actions, threshold and phone region. */
  static String describe(TeamGuardPolicy policy) {
    List<String> parts = new ArrayList<>();
    for (Detector d : Detector.values()) {
      String action = policy.getDetectors().get(d.policyName());
      if (action != null) {
        parts.add(d.policyName() + " " + action);
      }
    }
    if (policy.getInjectionThreshold() != null) {
      parts.add("injection threshold " + policy.getInjectionThreshold());
    }
    if (policy.getPhoneRegion() != null) {
      parts.add("phone region " + policy.getPhoneRegion());
    }
    if (policy.getOutputModeration() != null) {
      parts.add("output moderation " + policy.getOutputModeration());
    }
    if (policy.getRestore() != null) {
      parts.add("restore " + (policy.getRestore() ? "on" : "off"));
    }
    return String.join(", ", parts);
  }
}

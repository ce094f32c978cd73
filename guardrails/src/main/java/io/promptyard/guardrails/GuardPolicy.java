package io.promptyard.guardrails;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * What a guard does with each detector's findings, the injection score from which a message counts
 * as an injection, and the region whose numbering plan phone numbers without a country code follow.
 *
 * <p>Written as JSON, every key optional:
 *
 * <pre>{@code
 * {"detectors": {"email": "redact", "card": "block", "injection": "flag"},
 *  "injection_threshold": 0.5, "phone_region": "US", "output_moderation": "flag",
 *  "restore": false}
 * }</pre>
 *
 * A detector the policy does not name keeps its action in {@link #DEFAULT}.
 *
 * @param outputModeration what the worker does with an answer in which output moderation finds
 *     personal data, a secret or a moderation category: nothing ({@code off}, the default), mark
 *     the result ({@code flag}), replace the values found by placeholders ({@code redact}), or
 *     withhold the answer ({@code block})
 * @param restore whether the worker puts the redacted values back into the answer for the caller
 *     (the guard's restore mode; needs {@code PROMPTYARD_GUARD_RESTORE_KEY} on router and workers)
 */
public record GuardPolicy(
    Map<Detector, Action> actions,
    double injectionThreshold,
    String phoneRegion,
    Action outputModeration,
    boolean restore) {

  /**
   * Personal data redacted, secrets blocked, injections over 0.5 flagged (rules and similarity have
   * false positives that an operator should see before blocking on them), phone numbers read as US.
   */
  public static final GuardPolicy DEFAULT = defaults();

  private static final Set<String> KEYS =
      Set.of("detectors", "injection_threshold", "phone_region", "output_moderation", "restore");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A policy with output moderation off. */
  public GuardPolicy(Map<Detector, Action> actions, double injectionThreshold, String phoneRegion) {
    this(actions, injectionThreshold, phoneRegion, Action.OFF);
  }

  /** A policy without restore. */
  public GuardPolicy(
      Map<Detector, Action> actions,
      double injectionThreshold,
      String phoneRegion,
      Action outputModeration) {
    this(actions, injectionThreshold, phoneRegion, outputModeration, false);
  }

  public GuardPolicy {
    if (outputModeration == null) {
      throw new IllegalArgumentException("guard policy has no action for output_moderation");
    }
    EnumMap<Detector, Action> all = new EnumMap<>(Detector.class);
    for (Detector d : Detector.values()) {
      Action a = actions.get(d);
      if (a == null) {
        throw new IllegalArgumentException(
            "guard policy has no action for detector " + d.policyName());
      }
      all.put(d, a);
    }
    if (all.get(Detector.INJECTION) == Action.REDACT) {
      throw new IllegalArgumentException(
          "detector injection takes off, flag or block (an injection has no value to redact)");
    }
    actions = java.util.Collections.unmodifiableMap(all);
    if (!(injectionThreshold > 0 && injectionThreshold <= 1)) {
      throw new IllegalArgumentException(
          "injection_threshold must be in (0, 1], was " + injectionThreshold);
    }
    if (phoneRegion == null || !phoneRegion.matches("[A-Z]{2}")) {
      throw new IllegalArgumentException(
          "phone_region must be an ISO 3166 two-letter region such as US or GB, was "
              + phoneRegion);
    }
  }

  private static GuardPolicy defaults() {
    EnumMap<Detector, Action> actions = new EnumMap<>(Detector.class);
    for (Detector d : Detector.values()) {
      actions.put(d, Action.REDACT);
    }
    actions.put(Detector.SECRET, Action.BLOCK);
    actions.put(Detector.INJECTION, Action.FLAG);
    return new GuardPolicy(actions, 0.5, "US");
  }

  /** The action for {@code detector}. */
  public Action action(Detector detector) {
    return actions.get(detector);
  }

  /** A copy with {@code detector} set to {@code action}. */
  public GuardPolicy with(Detector detector, Action action) {
    EnumMap<Detector, Action> changed = new EnumMap<>(actions);
    changed.put(detector, action);
    return new GuardPolicy(changed, injectionThreshold, phoneRegion, outputModeration, restore);
  }

  /** A copy with output moderation set to {@code action}. */
  public GuardPolicy withOutputModeration(Action action) {
    return new GuardPolicy(actions, injectionThreshold, phoneRegion, action, restore);
  }

  /** A copy with restore on or off. */
  public GuardPolicy withRestore(boolean on) {
    return new GuardPolicy(actions, injectionThreshold, phoneRegion, outputModeration, on);
  }

  /** Reads a policy file; a bad file fails naming the file and the bad key or value. */
  public static GuardPolicy read(Path file) throws IOException {
    try {
      return parse(Files.readString(file));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** Parses a policy from its JSON text, over {@link #DEFAULT}. */
  public static GuardPolicy parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("guard policy is not JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("guard policy must be a JSON object");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!KEYS.contains(name)) {
        throw new IllegalArgumentException(
            "unknown key '"
                + name
                + "' in guard policy (known: "
                + String.join(", ", KEYS.stream().sorted().toList())
                + ")");
      }
    }
    EnumMap<Detector, Action> actions = new EnumMap<>(DEFAULT.actions);
    JsonNode detectors = root.path("detectors");
    if (!detectors.isMissingNode()) {
      if (!detectors.isObject()) {
        throw new IllegalArgumentException("'detectors' must map detector names to actions");
      }
      for (Map.Entry<String, JsonNode> e : detectors.properties()) {
        Detector d = Detector.byPolicyName(e.getKey(), "guard policy");
        if (!e.getValue().isTextual()) {
          throw new IllegalArgumentException(
              "the action for detector " + d.policyName() + " must be a string");
        }
        actions.put(d, Action.byPolicyName(e.getValue().asText(), "detector " + d.policyName()));
      }
    }
    JsonNode threshold = root.path("injection_threshold");
    if (!threshold.isMissingNode() && !threshold.isNumber()) {
      throw new IllegalArgumentException("injection_threshold must be a number in (0, 1]");
    }
    JsonNode region = root.path("phone_region");
    if (!region.isMissingNode() && !region.isTextual()) {
      throw new IllegalArgumentException("phone_region must be a string such as \"US\"");
    }
    JsonNode output = root.path("output_moderation");
    if (!output.isMissingNode() && !output.isTextual()) {
      throw new IllegalArgumentException(
          "output_moderation must be a string: off, flag, redact or block");
    }
    JsonNode restore = root.path("restore");
    if (!restore.isMissingNode() && !restore.isBoolean()) {
      throw new IllegalArgumentException("restore must be true or false");
    }
    return new GuardPolicy(
        actions,
        threshold.isMissingNode() ? DEFAULT.injectionThreshold : threshold.asDouble(),
        region.isMissingNode() ? DEFAULT.phoneRegion : region.asText(),
        output.isMissingNode()
            ? DEFAULT.outputModeration
            : Action.byPolicyName(output.asText(), "output_moderation"),
        restore.isMissingNode() ? DEFAULT.restore : restore.asBoolean());
  }
}

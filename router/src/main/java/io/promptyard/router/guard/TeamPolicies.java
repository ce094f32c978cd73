package io.promptyard.router.guard;

import io.promptyard.guardrails.Action;
import io.promptyard.guardrails.Detector;
import io.promptyard.guardrails.Guard;
import io.promptyard.guardrails.GuardPolicy;
import io.promptyard.schemas.TeamGuardPolicy;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each team's guard, from the latest {@code TeamGuardPolicy} of the team on the guard-policies
 * topic (the router's global store of it, values as bytes) over the configured default policy. A
 * team without a record, or whose record cannot be used (undecodable, an unknown detector or
 * action, a threshold out of range), is guarded by the default policy; an unusable record is logged
 * with its reason and counted once per distinct value, and never stops the router.
 */
public final class TeamPolicies {

  private static final Logger log = LoggerFactory.getLogger(TeamPolicies.class);
  private static final AvroSerde<TeamGuardPolicy> SERDE = AvroSerde.of(TeamGuardPolicy.class);

  /** A team's record as last read and the guard it gives; empty when it could not be used. */
  private record Entry(byte[] raw, Optional<Guard> guard) {}

  private final Guard defaultGuard;

  /**
   * The guard of each team with a record, built once per distinct value. Shared by every stream
   * thread of the router, which read the same global store: a record is decoded, logged and counted
   * once, not once per task.
   */
  private final Map<String, Entry> byTeam = new ConcurrentHashMap<>();

  private final AtomicLong invalid = new AtomicLong();

  TeamPolicies(Guard defaultGuard) {
    this.defaultGuard = defaultGuard;
  }

  /** The guard of {@code team}'s requests: its own policy's when it has a usable one. */
  Guard guardOf(String team, ReadOnlyKeyValueStore<String, byte[]> store) {
    byte[] raw = team == null ? null : store.get(team);
    if (raw == null) {
      if (team != null && !byTeam.isEmpty()) {
        byTeam.remove(team);
      }
      return defaultGuard;
    }
    Entry e = byTeam.get(team);
    if (e == null || (e.raw() != raw && !Arrays.equals(e.raw(), raw))) {
      e = byTeam.compute(team, (t, old) -> sameBytes(old, raw) ? old : read(t, raw));
    }
    return e.guard().orElse(defaultGuard);
  }

  /** How many distinct team policy records could not be used since the router started. */
  long invalid() {
    return invalid.get();
  }

  private static boolean sameBytes(Entry e, byte[] raw) {
    return e != null && Arrays.equals(e.raw(), raw);
  }

  private Entry read(String team, byte[] raw) {
    try {
      GuardPolicy policy = over(defaultGuard.policy(), team, SERDE.decode(raw));
      log.info("team {} is guarded by its own policy: {}", ProducerText.escape(team), policy);
      return new Entry(raw, Optional.of(new Guard(policy)));
    } catch (UndecodableRecordException | IllegalArgumentException ex) {
      invalid.incrementAndGet();
      log.warn(
          "ignoring the guard policy of team {}: {}; the team is guarded by the default policy"
              + " until a valid one is set (promptyard guard policy set)",
          ProducerText.escape(team),
          ProducerText.escape(ex.getMessage()));
      return new Entry(raw, Optional.empty());
    }
  }

  /**
   * {@code record}, the policy of the team keyed {@code team}, over {@code defaults}: the detectors
   * it names take its actions, the threshold, phone region, output moderation and restore it sets
   * replace the default's.
   *
   * @throws IllegalArgumentException naming what cannot be used: a detector or action this release
   *     does not know, a threshold out of (0, 1], a bad phone region, a record of another team
   */
  public static GuardPolicy over(GuardPolicy defaults, String team, TeamGuardPolicy record) {
    if (!record.getTeam().equals(team)) {
      throw new IllegalArgumentException(
          "the record keyed "
              + team
              + " is the policy of team "
              + record.getTeam()
              + "; a policy is keyed by its team");
    }
    Map<Detector, Action> actions = new EnumMap<>(defaults.actions());
    for (Map.Entry<String, String> d : record.getDetectors().entrySet()) {
      Detector detector = Detector.byPolicyName(d.getKey(), "the team's policy record");
      actions.put(detector, Action.byPolicyName(d.getValue(), "detector " + d.getKey()));
    }
    return new GuardPolicy(
        actions,
        record.getInjectionThreshold() == null
            ? defaults.injectionThreshold()
            : record.getInjectionThreshold(),
        record.getPhoneRegion() == null ? defaults.phoneRegion() : record.getPhoneRegion(),
        record.getOutputModeration() == null
            ? defaults.outputModeration()
            : Action.byPolicyName(record.getOutputModeration(), "output moderation"),
        record.getRestore() == null ? defaults.restore() : record.getRestore());
  }
}

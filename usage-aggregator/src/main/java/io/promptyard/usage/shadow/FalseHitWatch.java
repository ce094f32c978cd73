package io.promptyard.usage.shadow;

import io.promptyard.schemas.Alert;
import io.promptyard.schemas.AlertKind;
import io.promptyard.schemas.SemanticPause;
import io.promptyard.schemas.usage.Period;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Each team's observed false-hit rate from the shadow verifications of its semantic cache hits, and
 * the decisions it calls for ({@link FalseHitPolicy}): a team over its limit is paused, with an
 * alert; a paused team whose rate fell back is resumed. A store keeps each team's {@link
 * FalseHitWindow}.
 */
public final class FalseHitWatch {

  /** {@link SemanticPause#getDecidedBy()} of the aggregator's decisions. */
  public static final String AGGREGATOR = "aggregator";

  /** {@link SemanticPause#getDecidedBy()} of an operator's reset. */
  public static final String OPERATOR = "operator";

  /** A change of a team's semantic mode, and the alert it raises (none on resuming). */
  public record Decision(SemanticPause pause, Optional<Alert> alert) {}

  private final KeyValueStore<String, String> windows;
  private final FalseHitPolicy policy;

  public FalseHitWatch(KeyValueStore<String, String> windows, FalseHitPolicy policy) {
    this.windows = windows;
    this.policy = policy;
  }

  /**
   * Counts one shadow verification of {@code team}'s, made at {@code at}; the decision it calls
   * for, if any.
   */
  public Optional<Decision> sample(String team, boolean agreed, Instant at) {
    FalseHitWindow window = window(team).add(!agreed, policy.window());
    double limit = policy.limitOf(team);
    Optional<Decision> decision = Optional.empty();
    if (window.samples() >= policy.minSamples()) {
      if (!window.paused() && window.rate() > limit) {
        window = window.paused(true);
        SemanticPause pause = pause(team, window, limit, at);
        decision = Optional.of(new Decision(pause, Optional.of(alert(pause, window, limit))));
      } else if (window.paused() && window.rate() <= limit / 2) {
        window = window.paused(false);
        decision = Optional.of(new Decision(pause(team, window, limit, at), Optional.empty()));
      }
    }
    windows.put(team, window.encode());
    return decision;
  }

  /** Forgets {@code team}'s samples and pause: an operator's reset. */
  public void reset(String team) {
    windows.delete(team);
  }

  /** The team's window: its recent samples and whether it is paused. */
  public FalseHitWindow window(String team) {
    return FalseHitWindow.decode(windows.get(team));
  }

  private static SemanticPause pause(String team, FalseHitWindow window, double limit, Instant at) {
    String reason =
        String.format(
            Locale.ROOT,
            "%s: observed false-hit rate %.1f%% (%d of the last %d shadowed hits) %s the limit %.1f%%",
            window.paused() ? "semantic mode paused" : "semantic mode resumed",
            100 * window.rate(),
            window.disagreements(),
            window.samples(),
            window.paused() ? "over" : "back under half",
            100 * limit);
    return SemanticPause.newBuilder()
        .setTeam(team)
        .setPaused(window.paused())
        .setDecidedBy(AGGREGATOR)
        .setSamples(window.samples())
        .setDisagreements(window.disagreements())
        .setLimit(limit)
        .setReason(reason)
        .setDecidedAt(at)
        .build();
  }

  private static Alert alert(SemanticPause pause, FalseHitWindow window, double limit) {
    return Alert.newBuilder()
        .setId(pause.getTeam() + "|false-hits|" + pause.getDecidedAt().toEpochMilli())
        .setTeam(pause.getTeam())
        .setKind(AlertKind.FALSE_HITS)
        .setPeriod(Period.MONTH.format(pause.getDecidedAt()))
        .setSpentMicros(0)
        .setLimitMicros(0)
        .setFalseHitRate(window.rate())
        .setFalseHitLimit(limit)
        .setMessage("team " + pause.getTeam() + "'s " + pause.getReason())
        .setRaisedAt(pause.getDecidedAt())
        .build();
  }
}

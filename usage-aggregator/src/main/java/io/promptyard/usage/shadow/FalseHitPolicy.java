package io.promptyard.usage.shadow;

import java.util.Map;

/**
 * When a team's semantic cache is paused for its false hits: the observed false-hit rate over its
 * last {@code window} shadowed hits passes the team's limit once at least {@code minSamples} were
 * compared; a paused team resumes when the rate over the same window falls to half its limit or
 * below (a margin, so that one sample more or less does not pause and resume it in turn).
 *
 * @param limit the false-hit rate a team may have, 0 to 1, unless {@code teamLimits} names it
 * @param teamLimits per-team limits over {@code limit}
 * @param minSamples the shadowed hits a decision needs at least
 * @param window how many of a team's most recent shadowed hits the rate is taken over
 */
public record FalseHitPolicy(
    double limit, Map<String, Double> teamLimits, int minSamples, int window) {

  /** 5%, over the last 100 shadowed hits, once 20 were compared. */
  public static final FalseHitPolicy DEFAULT = new FalseHitPolicy(0.05, Map.of(), 20, 100);

  public FalseHitPolicy {
    teamLimits = Map.copyOf(teamLimits);
    if (minSamples < 1 || window < minSamples) {
      throw new IllegalArgumentException(
          "a false-hit decision needs at least one sample, and a window of at least that many");
    }
  }

  /** The limit of {@code team}'s false-hit rate, 0 to 1. */
  public double limitOf(String team) {
    return teamLimits.getOrDefault(team, limit);
  }
}

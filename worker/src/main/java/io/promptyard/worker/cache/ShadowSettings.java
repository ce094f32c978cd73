package io.promptyard.worker.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * Which semantic cache hits are shadowed: also sent to the provider, so that the cached and the
 * fresh answer can be compared. A hit is chosen by its request id alone, so that the same request
 * is always chosen or never, on every worker.
 *
 * @param fraction the share of hits shadowed, 0 to 1, unless {@code teamFractions} names the team
 * @param teamFractions per-team shares over {@code fraction}
 */
public record ShadowSettings(double fraction, Map<String, Double> teamFractions) {

  /** 3% of every team's hits. */
  public static final ShadowSettings DEFAULT = new ShadowSettings(0.03, Map.of());

  /** No hit shadowed. */
  public static final ShadowSettings NONE = new ShadowSettings(0, Map.of());

  public ShadowSettings {
    teamFractions = Map.copyOf(teamFractions);
  }

  /** The share of {@code team}'s hits shadowed, 0 to 1. */
  public double fractionOf(String team) {
    return teamFractions.getOrDefault(team, fraction);
  }

  /** Whether a semantic hit of {@code team}'s request {@code requestId} is shadowed. */
  public boolean shadows(String team, String requestId) {
    return position(requestId) < fractionOf(team);
  }

  /**
   * Where {@code requestId} falls in [0, 1): the first 8 bytes of its SHA-256 as an unsigned
   * fraction, spread evenly whatever the ids look like.
   */
  static double position(String requestId) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(requestId.getBytes(StandardCharsets.UTF_8));
      long bits = 0;
      for (int i = 0; i < 8; i++) {
        bits = (bits << 8) | (hash[i] & 0xff);
      }
      // the top 53 bits, the precision of a double
      return (bits >>> 11) * 0x1.0p-53;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}

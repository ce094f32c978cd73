package io.promptyard.router.routing;

import io.promptyard.schemas.CompletionRequest;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code auto} alias: a request whose {@link ComplexityEstimator complexity} reaches the
 * threshold goes to the models of the {@value #SMART} alias, any other to those of {@value #CHEAP};
 * the chosen alias then takes the ordinary path (fit, budget, strategy, health).
 *
 * @param threshold the score from which a request counts as demanding, in [0, 1]
 * @param teamThresholds the listed teams' own thresholds
 */
public record AutoRouting(double threshold, Map<String, Double> teamThresholds) {

  /** The alias a request names to be routed by complexity. */
  public static final String ALIAS = "auto";

  /** The alias of the models for demanding requests. */
  public static final String SMART = "smart";

  /** The alias of the models for the rest. */
  public static final String CHEAP = "cheap";

  /**
   * The default threshold: the middle of the thresholds (0.40 to 0.50, in steps of 0.05) at which
   * the labelled set agrees best with its labels (docs/BENCHMARKS.md has the sweep).
   */
  public static final double DEFAULT_THRESHOLD = 0.45;

  public AutoRouting {
    check("the threshold", threshold);
    teamThresholds = Map.copyOf(teamThresholds);
    teamThresholds.forEach((team, t) -> check("team " + team + "'s threshold", t));
  }

  /** The default threshold for every team. */
  public static AutoRouting standard() {
    return new AutoRouting(DEFAULT_THRESHOLD, Map.of());
  }

  /** The threshold {@code team}'s requests are held to. */
  public double thresholdOf(String team) {
    return teamThresholds.getOrDefault(team, threshold);
  }

  /** Which alias {@code request} goes to, and why. */
  public Choice choose(CompletionRequest request) {
    ComplexityEstimator.Complexity complexity = ComplexityEstimator.estimate(request);
    double t = thresholdOf(request.getTeam());
    return new Choice(complexity.score() >= t ? SMART : CHEAP, complexity, t);
  }

  /**
   * The alias an {@code auto} request goes to.
   *
   * @param alias {@value #SMART} or {@value #CHEAP}
   * @param complexity the request's score and signals
   * @param threshold the threshold it was held to
   */
  public record Choice(String alias, ComplexityEstimator.Complexity complexity, double threshold) {

    /**
     * The choice in the words of a routing reason: {@code auto: smart (score 0.72 ≥ 0.50: code)}.
     */
    public String note() {
      return String.format(
          Locale.ROOT,
          "auto: %s (score %.2f %s %.2f: %s)",
          alias,
          complexity.score(),
          alias.equals(SMART) ? "≥" : "<",
          threshold,
          complexity.describe());
    }
  }

  private static void check(String what, double t) {
    if (!(t >= 0 && t <= 1)) {
      throw new IllegalArgumentException("auto routing: " + what + " must be in [0, 1], not " + t);
    }
  }
}

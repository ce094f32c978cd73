package io.promptyard.router.routing;

import io.promptyard.schemas.RoutingStrategy;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The router's standing choices for requests that do not make their own.
 *
 * @param strategy the strategy for teams without a default of their own
 * @param teamStrategies each listed team's default strategy
 * @param providerWeights the weighted strategy's share per provider; empty for equal shares, and a
 *     provider not listed gets no share when others are listed
 * @param healthMaxAge a health report older than this (against the request's time) is ignored
 * @param dropParamsTeams the teams whose requests drop what a model's parameter rules refuse, as if
 *     each set {@code drop_params}
 * @param auto the thresholds of the {@code auto} alias
 */
public record RoutingDefaults(
    RoutingStrategy strategy,
    Map<String, RoutingStrategy> teamStrategies,
    Map<String, Integer> providerWeights,
    Duration healthMaxAge,
    Set<String> dropParamsTeams,
    AutoRouting auto) {

  /** Defaults with the standard {@code auto} threshold. */
  public RoutingDefaults(
      RoutingStrategy strategy,
      Map<String, RoutingStrategy> teamStrategies,
      Map<String, Integer> providerWeights,
      Duration healthMaxAge,
      Set<String> dropParamsTeams) {
    this(
        strategy,
        teamStrategies,
        providerWeights,
        healthMaxAge,
        dropParamsTeams,
        AutoRouting.standard());
  }

  /** Defaults under which no team drops parameters unless its requests ask to. */
  public RoutingDefaults(
      RoutingStrategy strategy,
      Map<String, RoutingStrategy> teamStrategies,
      Map<String, Integer> providerWeights,
      Duration healthMaxAge) {
    this(strategy, teamStrategies, providerWeights, healthMaxAge, Set.of());
  }

  public RoutingDefaults {
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(auto, "auto");
    if (strategy == RoutingStrategy.UNKNOWN_STRATEGY || strategy == RoutingStrategy.PINNED) {
      throw new IllegalArgumentException(
          "the default strategy must be cheapest, lowest_latency or weighted, not " + strategy);
    }
    teamStrategies = Map.copyOf(teamStrategies);
    providerWeights = Map.copyOf(providerWeights);
    dropParamsTeams = Set.copyOf(dropParamsTeams);
    providerWeights.forEach(
        (p, w) -> {
          if (w < 0) {
            throw new IllegalArgumentException("weight of provider " + p + " is negative: " + w);
          }
        });
  }

  /** Cheapest for everyone, equal weights, health reports trusted for two minutes. */
  public static RoutingDefaults standard() {
    return new RoutingDefaults(RoutingStrategy.CHEAPEST, Map.of(), Map.of(), Duration.ofMinutes(2));
  }

  /** Whether a request of {@code team} may drop what a model's parameter rules refuse. */
  public boolean dropsParams(String team, boolean asked) {
    return asked || dropParamsTeams.contains(team);
  }

  /** The strategy a team's requests use when they name none. */
  public RoutingStrategy strategyOf(String team) {
    return teamStrategies.getOrDefault(team, strategy);
  }
}

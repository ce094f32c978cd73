package io.promptyard.router.routing;

import io.promptyard.schemas.Budget;
import io.promptyard.schemas.ProviderHealth;
import java.util.Optional;

/**
 * What the router knows about the world beyond the request when it decides: provider health (from
 * the compacted provider-health topic) and team budgets (from the compacted budget-status topic).
 */
public interface RoutingSignals {

  /**
   * No health reports and no budgets: every provider is taken as healthy and no team has a limit.
   */
  RoutingSignals NONE =
      new RoutingSignals() {
        @Override
        public Optional<ProviderHealth> health(String key) {
          return Optional.empty();
        }

        @Override
        public Optional<Budget> budget(String team) {
          return Optional.empty();
        }
      };

  /** The latest health report under {@code provider} or {@code provider/model}. */
  Optional<ProviderHealth> health(String key);

  /** The team's budget and its spend this month, if the team has a budget. */
  Optional<Budget> budget(String team);
}

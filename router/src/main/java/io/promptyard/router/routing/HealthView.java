package io.promptyard.router.routing;

import io.promptyard.providers.catalog.ModelSpec;
import io.promptyard.schemas.CircuitState;
import io.promptyard.schemas.ProviderHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Provider health as one decision sees it: reports under {@code provider/model} and {@code provider}, ignoring
 * any older than the configured age so that a report from a worker that has gone away does not steer traffic
 * for ever.
 */
final class HealthView {

  private final RoutingSignals signals;
  private final Instant oldest;

  HealthView(RoutingSignals signals, Instant at, Duration maxAge) {
    this.signals = signals;
    this.oldest = at.minus(maxAge);
  }

  Candidate.Standing standing(ModelSpec m, long tokens) {
    Optional<ProviderHealth> model = fresh(m.qualifiedName());
    Optional<ProviderHealth> provider = fresh(m.provider());
    if (isOpen(model) || isOpen(provider)) {
      return Candidate.Standing.CIRCUIT_OPEN;
    }
    if (quotaLow(model, tokens) || quotaLow(provider, tokens)) {
      return Candidate.Standing.QUOTA_LOW;
    }
    return Candidate.Standing.HEALTHY;
  }

  /** Recent latency percentile of the model, else of its provider; {@link Long#MAX_VALUE} when unknown. */
  long latency(ModelSpec m, boolean p99) {
    for (Optional<ProviderHealth> h : java.util.List.of(fresh(m.qualifiedName()), fresh(m.provider()))) {
      if (h.isPresent()) {
        long v = p99 ? h.get().getLatencyP99Millis() : h.get().getLatencyP50Millis();
        if (v > 0) {
          return v;
        }
      }
    }
    return Long.MAX_VALUE;
  }

  private Optional<ProviderHealth> fresh(String key) {
    return signals.health(key).filter(h -> !h.getUpdatedAt().isBefore(oldest));
  }

  private static boolean isOpen(Optional<ProviderHealth> h) {
    return h.isPresent() && h.get().getCircuitState() == CircuitState.OPEN;
  }

  private static boolean quotaLow(Optional<ProviderHealth> h, long tokens) {
    if (h.isEmpty()) {
      return false;
    }
    Long requests = h.get().getRemainingRequests();
    Long remainingTokens = h.get().getRemainingTokens();
    return (requests != null && requests <= 0) || (remainingTokens != null && remainingTokens < tokens);
  }
}

package io.promptyard.router.routing;

import io.promptyard.catalog.ModelSpec;
import io.promptyard.schemas.CircuitState;
import io.promptyard.schemas.ProviderHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Provider health as one decision sees it: reports under {@code provider/model} and {@code
 * provider}, ignoring any older than the configured age so that a report from a worker that has
 * gone away does not steer traffic for ever. Provider reports are looked up once per decision.
 */
final class HealthView {

  /** What the reports say about one model. Latencies are {@link Long#MAX_VALUE} when unknown. */
  record Report(Candidate.Standing standing, long p50Millis, long p99Millis) {}

  private final RoutingSignals signals;
  private final Instant oldest;
  private final Map<String, Optional<ProviderHealth>> providers = new HashMap<>();

  HealthView(RoutingSignals signals, Instant at, Duration maxAge) {
    this.signals = signals;
    this.oldest = at.minus(maxAge);
  }

  Report report(ModelSpec m, long tokens) {
    Optional<ProviderHealth> model = fresh(m.qualifiedName());
    Optional<ProviderHealth> provider = providers.computeIfAbsent(m.provider(), this::fresh);
    Candidate.Standing standing =
        isOpen(model) || isOpen(provider)
            ? Candidate.Standing.CIRCUIT_OPEN
            : quotaLow(model, tokens) || quotaLow(provider, tokens)
                ? Candidate.Standing.QUOTA_LOW
                : Candidate.Standing.HEALTHY;
    // The model's own latency when reported, else its provider's.
    Optional<ProviderHealth> latency =
        model
            .filter(h -> h.getLatencyP50Millis() > 0)
            .or(() -> provider.filter(h -> h.getLatencyP50Millis() > 0));
    return new Report(
        standing,
        latency.map(ProviderHealth::getLatencyP50Millis).orElse(Long.MAX_VALUE),
        latency
            .map(h -> h.getLatencyP99Millis() > 0 ? h.getLatencyP99Millis() : Long.MAX_VALUE)
            .orElse(Long.MAX_VALUE));
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
    return (requests != null && requests <= 0)
        || (remainingTokens != null && remainingTokens < tokens);
  }
}

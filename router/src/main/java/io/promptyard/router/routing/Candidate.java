package io.promptyard.router.routing;

import io.promptyard.catalog.ModelSpec;
import io.promptyard.schemas.ModelRef;

/**
 * A model that fits a request, with what it would cost and how its provider is doing.
 *
 * @param p50Millis recent median latency, {@link Long#MAX_VALUE} when unknown
 * @param p99Millis recent 99th-percentile latency, {@link Long#MAX_VALUE} when unknown
 */
public record Candidate(
    ModelSpec model,
    int inputTokens,
    int outputTokens,
    long costMicros,
    Standing standing,
    long p50Millis,
    long p99Millis) {

  /** How usable the model is right now, best first. */
  public enum Standing {
    HEALTHY,
    QUOTA_LOW,
    CIRCUIT_OPEN
  }

  public ModelRef ref() {
    return new ModelRef(model.provider(), model.id());
  }

  public String name() {
    return model.qualifiedName();
  }
}

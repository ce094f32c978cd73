package io.promptyard.worker.job;

import java.time.Duration;

/**
 * How hard the worker tries before giving up on a model.
 *
 * @param maxAttemptsPerModel calls to one model before falling back (retryable errors only)
 * @param maxAttemptsTotal attempts (calls and refusals, over every model and deferral) before a job
 *     fails
 * @param backoff waits between those calls
 * @param cacheTtl how long answers stay cached when the request sets no TTL
 * @param resultTtl how long a finished request id is remembered by the idempotency ledger
 */
public record JobPolicy(
    int maxAttemptsPerModel,
    int maxAttemptsTotal,
    Backoff backoff,
    Duration cacheTtl,
    Duration resultTtl) {
  public JobPolicy {
    if (maxAttemptsPerModel < 1) {
      throw new IllegalArgumentException("maxAttemptsPerModel must be at least 1");
    }
    if (maxAttemptsTotal < maxAttemptsPerModel) {
      throw new IllegalArgumentException("maxAttemptsTotal must be at least maxAttemptsPerModel");
    }
  }

  /** A policy allowing ten attempts in all. */
  public JobPolicy(
      int maxAttemptsPerModel, Backoff backoff, Duration cacheTtl, Duration resultTtl) {
    this(maxAttemptsPerModel, Math.max(10, maxAttemptsPerModel), backoff, cacheTtl, resultTtl);
  }
}

package io.promptyard.worker.job;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.providers.ChatProvider;
import io.promptyard.schemas.tracing.JobTracing;
import io.promptyard.worker.cache.InMemoryResponseCache;
import io.promptyard.worker.cache.SemanticAnswers;
import io.promptyard.worker.guard.CallGuard;
import io.promptyard.worker.idempotency.InMemoryResultLedger;
import io.promptyard.worker.idempotency.PublishedResults;
import io.promptyard.worker.metrics.WorkerMetrics;
import io.promptyard.worker.moderation.OutputModeration;
import java.time.Clock;

/**
 * A job processor with everything in memory and nothing around the call: no guard, no semantic
 * cache, no tracing, an empty ledger and response cache.
 */
final class InMemoryJobProcessor {

  private InMemoryJobProcessor() {}

  /** A processor that calls {@code provider} for every provider of {@code catalog}. */
  static JobProcessor of(
      ModelCatalog catalog, ChatProvider provider, JobPolicy policy, Clock clock) {
    return new JobProcessor(
        catalog,
        name -> provider,
        new InMemoryResponseCache(clock),
        new InMemoryResultLedger(),
        PublishedResults.NONE,
        policy,
        CallGuard.NONE,
        WorkerMetrics.noop(),
        clock,
        OutcomePublisher.PUBLISHING_GRACE,
        SemanticAnswers.off(),
        JobTracing.OFF,
        OutputModeration.localOnly());
  }
}

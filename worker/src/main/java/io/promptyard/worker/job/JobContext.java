package io.promptyard.worker.job;

import io.promptyard.schemas.tracing.JobTracing;
import io.promptyard.worker.cache.CachedResults;
import io.promptyard.worker.metrics.WorkerMetrics;
import io.promptyard.worker.moderation.OutputModeration;
import java.time.Clock;

/**
 * What the steps of a job's path share, built once by {@link JobProcessor}: the worker's job
 * settings, the cache of answers, the builder of what a job produces, the metrics, the clock, the
 * tracer of the steps' spans, and the output moderation every answer passes before it is published.
 */
record JobContext(
    JobPolicy policy,
    CachedResults cache,
    Outcomes outcomes,
    WorkerMetrics metrics,
    Clock clock,
    JobTracing tracing,
    OutputModeration moderation) {}

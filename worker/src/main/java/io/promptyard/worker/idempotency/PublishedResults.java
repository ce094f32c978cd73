package io.promptyard.worker.idempotency;

import io.promptyard.schemas.CompletionResult;
import java.util.Optional;

/**
 * Reads back what is already on the results topic. A worker that died between publishing a terminal
 * result and recording it done leaves a {@link LedgerEntry.Publishing} entry; the worker that gets
 * the job next asks here whether the result landed instead of calling the provider a second time.
 */
@FunctionalInterface
public interface PublishedResults {

  /** Finds nothing: every job with a publishing entry is processed again (at-least-once). */
  PublishedResults NONE = (team, requestId, publishing) -> Optional.empty();

  /**
   * The terminal result of {@code team}'s request {@code requestId} published to the partition
   * {@code publishing} names, no earlier than its time, if there is one.
   */
  Optional<CompletionResult> find(String team, String requestId, LedgerEntry.Publishing publishing);
}

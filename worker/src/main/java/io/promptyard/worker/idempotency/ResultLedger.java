package io.promptyard.worker.idempotency;

import java.time.Duration;
import java.util.Optional;

/**
 * Remembers which request ids already produced a terminal result, so a redelivered job is not sent to a
 * provider again. Request ids are chosen by producers, so the ledger is scoped by team: one team's ids
 * never mark another team's request done.
 */
public interface ResultLedger {

  boolean isDone(String team, String requestId);

  /**
   * The terminal status recorded for the request id (a {@code ResultStatus} name), if any; a replayed job
   * runs again unless it is {@code SUCCEEDED}.
   */
  Optional<String> status(String team, String requestId);

  void markDone(String team, String requestId, String status, Duration ttl);
}

package io.promptyard.worker.idempotency;

import java.time.Duration;

/**
 * Remembers which request ids already produced a terminal result, so a redelivered job is not sent to a
 * provider again. Request ids are chosen by producers, so the ledger is scoped by team: one team's ids
 * never mark another team's request done.
 */
public interface ResultLedger {

  boolean isDone(String team, String requestId);

  void markDone(String team, String requestId, String status, Duration ttl);
}

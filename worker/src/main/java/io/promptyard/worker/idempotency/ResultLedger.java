package io.promptyard.worker.idempotency;

import java.time.Duration;

/**
 * Remembers which request ids already produced a terminal result, so a redelivered job is not sent to a
 * provider again.
 */
public interface ResultLedger {

  boolean isDone(String requestId);

  void markDone(String requestId, String status, Duration ttl);
}

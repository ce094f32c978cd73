package io.promptyard.worker.idempotency;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/** The ledger inside one JVM, for {@code promptyard dev} without Redis; entries are kept until exit. */
public final class InMemoryResultLedger implements ResultLedger {
  private final ConcurrentHashMap<String, String> done = new ConcurrentHashMap<>();

  @Override
  public boolean isDone(String requestId) {
    return done.containsKey(requestId);
  }

  @Override
  public void markDone(String requestId, String status, Duration ttl) {
    done.put(requestId, status);
  }
}

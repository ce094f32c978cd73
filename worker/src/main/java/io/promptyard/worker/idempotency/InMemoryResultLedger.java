package io.promptyard.worker.idempotency;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The ledger inside one JVM, for {@code promptyard dev} without Redis; entries are kept until exit. */
public final class InMemoryResultLedger implements ResultLedger {

  private record Done(String team, String requestId) {}

  private final ConcurrentHashMap<Done, String> done = new ConcurrentHashMap<>();

  @Override
  public boolean isDone(String team, String requestId) {
    return done.containsKey(new Done(team, requestId));
  }

  @Override
  public Optional<String> status(String team, String requestId) {
    return Optional.ofNullable(done.get(new Done(team, requestId)));
  }

  @Override
  public void markDone(String team, String requestId, String status, Duration ttl) {
    done.put(new Done(team, requestId), status);
  }
}

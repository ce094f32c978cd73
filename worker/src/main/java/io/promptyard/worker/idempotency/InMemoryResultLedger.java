package io.promptyard.worker.idempotency;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The ledger inside one JVM, for {@code promptyard dev} without Redis; entries are kept until exit. */
public final class InMemoryResultLedger implements ResultLedger {

  private record Key(String team, String requestId) {}

  private final ConcurrentHashMap<Key, LedgerEntry> entries = new ConcurrentHashMap<>();

  @Override
  public boolean isDone(String team, String requestId) {
    return entries.get(new Key(team, requestId)) instanceof LedgerEntry.Done;
  }

  @Override
  public Optional<String> status(String team, String requestId) {
    return entries.get(new Key(team, requestId)) instanceof LedgerEntry.Done d ? Optional.of(d.status()) : Optional.empty();
  }

  @Override
  public Optional<LedgerEntry> lookup(String team, String requestId) {
    return Optional.ofNullable(entries.get(new Key(team, requestId)));
  }

  @Override
  public void markDone(String team, String requestId, String status, Duration ttl) {
    entries.put(new Key(team, requestId), new LedgerEntry.Done(status));
  }

  @Override
  public void markPublishing(String team, String requestId, LedgerEntry.Publishing publishing, Duration ttl) {
    entries.put(new Key(team, requestId), publishing);
  }
}

package io.promptyard.worker.idempotency;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The ledger inside one JVM, for {@code promptyard dev} without Redis. Each entry lasts its TTL, as
 * in Redis, and the ledger remembers at most {@link #DEFAULT_MAX_ENTRIES} requests, forgetting the
 * oldest written first: a worker left running does not grow until it runs out of heap, and the
 * recent jobs, the ones a redelivery brings back, are the ones remembered. (A job redelivered after
 * its entry was forgotten runs again; Redis, keeping every entry for its TTL, avoids that.)
 *
 * <p>A job being processed holds a lease on its id, as in Redis, so that a second job with the same
 * id delivered meanwhile waits for the first's result (and, if it is a different request, is
 * rejected) instead of running too. The lease lasts {@link RedisResultLedger#LEASE} and is not
 * renewed: in one JVM it outlives its worker anyway, and a job that runs longer only lets a second
 * delivery of its id run beside it.
 */
public final class InMemoryResultLedger implements ResultLedger {

  /** Requests remembered at most by default (about 200 bytes each). */
  public static final int DEFAULT_MAX_ENTRIES = 500_000;

  private record Key(String team, String requestId) {}

  private record Held(LedgerEntry entry, long expiresAtMillis) {}

  private final Clock clock;

  /** In the order written (a rewrite moves an entry to the end); guarded by itself. */
  private final LinkedHashMap<Key, Held> entries;

  public InMemoryResultLedger() {
    this(Clock.systemUTC(), DEFAULT_MAX_ENTRIES);
  }

  /**
   * @param maxEntries requests remembered at most
   */
  public InMemoryResultLedger(Clock clock, int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException(
          "a ledger must remember at least one request, not " + maxEntries);
    }
    this.clock = clock;
    this.entries =
        new LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, Held> eldest) {
            return size() > maxEntries || eldest.getValue().expiresAtMillis() <= clock.millis();
          }
        };
  }

  @Override
  public Optional<String> status(String team, String requestId) {
    return ResultLedger.doneStatus(lookup(team, requestId));
  }

  @Override
  public Optional<LedgerEntry> lookup(String team, String requestId) {
    Key key = new Key(team, requestId);
    synchronized (entries) {
      Held held = entries.get(key);
      if (held == null) {
        return Optional.empty();
      }
      if (held.expiresAtMillis() <= clock.millis()) {
        entries.remove(key);
        return Optional.empty();
      }
      return Optional.of(held.entry());
    }
  }

  @Override
  public Optional<LedgerEntry> begin(String team, String requestId, String owner) {
    synchronized (entries) {
      Optional<LedgerEntry> existing = lookup(team, requestId);
      if (existing.isPresent()
          && !(existing.get() instanceof LedgerEntry.Running r && r.owner().equals(owner))) {
        return existing;
      }
      put(team, requestId, new LedgerEntry.Running(owner), RedisResultLedger.LEASE);
      return Optional.empty();
    }
  }

  @Override
  public void abandon(String team, String requestId, String owner) {
    synchronized (entries) {
      if (lookup(team, requestId).orElse(null) instanceof LedgerEntry.Running r
          && r.owner().equals(owner)) {
        entries.remove(new Key(team, requestId));
      }
    }
  }

  @Override
  public void markDone(String team, String requestId, LedgerEntry.Done done, Duration ttl) {
    put(team, requestId, done, ttl);
  }

  @Override
  public void markPublishing(
      String team, String requestId, LedgerEntry.Publishing publishing, Duration ttl) {
    put(team, requestId, publishing, ttl);
  }

  /** Entries held now, expired ones not yet swept included (for tests and diagnostics). */
  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  private void put(String team, String requestId, LedgerEntry entry, Duration ttl) {
    Key key = new Key(team, requestId);
    synchronized (entries) {
      entries.remove(key);
      if (ttl.isPositive()) {
        entries.put(key, new Held(entry, clock.millis() + ttl.toMillis()));
      }
    }
  }
}

package io.promptyard.worker.idempotency;

import java.time.Duration;
import java.util.Optional;

/**
 * Remembers which request ids already produced a terminal result, so a redelivered job is not sent
 * to a provider again. Request ids are chosen by producers, so the ledger is scoped by team: one
 * team's ids never mark another team's request done.
 *
 * <p>A worker writes {@link LedgerEntry.Publishing} just before it publishes a terminal result and
 * {@link LedgerEntry.Done} just after; a worker that finds a publishing entry reads the results
 * partition it names (see {@link PublishedResults}) rather than calling the provider again.
 */
public interface ResultLedger {

  /** Whether the ledger holds the request's terminal result as {@link LedgerEntry.Done}. */
  default boolean isDone(String team, String requestId) {
    return lookup(team, requestId).orElse(null) instanceof LedgerEntry.Done;
  }

  /**
   * Records the request's terminal result published, for {@code ttl}; it replaces a lease or a
   * publishing entry.
   */
  void markDone(String team, String requestId, LedgerEntry.Done done, Duration ttl);

  /**
   * {@link #markDone(String, String, LedgerEntry.Done, Duration)} without the request's
   * fingerprint.
   */
  default void markDone(String team, String requestId, String status, Duration ttl) {
    markDone(team, requestId, new LedgerEntry.Done(status), ttl);
  }

  /**
   * The terminal status recorded for the request id (a {@code ResultStatus} name), if any; a
   * replayed job runs again unless it is {@code SUCCEEDED}.
   */
  Optional<String> status(String team, String requestId);

  /** What the ledger holds for the request id: done, being published, or nothing. */
  default Optional<LedgerEntry> lookup(String team, String requestId) {
    return status(team, requestId).map(LedgerEntry.Done::new);
  }

  /**
   * Starts processing the request as {@code owner}: takes a lease on its id ({@link
   * LedgerEntry.Running}) unless the ledger holds an entry already, which it returns (another
   * owner's lease included). Empty: the caller holds the lease, which {@link #markPublishing},
   * {@link #markDone} or {@link #abandon} ends.
   */
  default Optional<LedgerEntry> begin(String team, String requestId, String owner) {
    return lookup(team, requestId);
  }

  /**
   * Gives up {@code owner}'s lease: the job ended without a terminal result (forwarded, parked,
   * interrupted).
   */
  default void abandon(String team, String requestId, String owner) {}

  /**
   * Records that the request's terminal result is about to be published; {@link #markDone} replaces
   * it.
   */
  default void markPublishing(
      String team, String requestId, LedgerEntry.Publishing publishing, Duration ttl) {}

  /** The status of a {@link LedgerEntry.Done} entry; empty for any other entry or none. */
  static Optional<String> doneStatus(Optional<LedgerEntry> entry) {
    return entry.orElse(null) instanceof LedgerEntry.Done d
        ? Optional.of(d.status())
        : Optional.empty();
  }
}

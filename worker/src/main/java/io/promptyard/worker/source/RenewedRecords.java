package io.promptyard.worker.source;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The records whose acquisition lock a share consumer renewed and has not returned in a poll since,
 * with when each was renewed. A renewed record comes back in a poll within moments, once the broker
 * confirmed the renewal; one still out after a whole lock duration never will: the consumer lost
 * the renewal without reporting it (its share session went with a broker, say) and keeps the record
 * among its pending renewals, fetching nothing new meanwhile. Owned by the consumer's thread.
 *
 * @param <K> what identifies a record
 */
final class RenewedRecords<K> {

  private final Map<K, Long> renewedAtNanos = new HashMap<>();

  /** The record's lock was renewed at {@code nowNanos} ({@link System#nanoTime()}). */
  void renewed(K record, long nowNanos) {
    renewedAtNanos.put(record, nowNanos);
  }

  /** The record came back in a poll, was acknowledged for good, or its lock was reported lost. */
  void settled(K record) {
    renewedAtNanos.remove(record);
  }

  /**
   * How many renewed records are still out a whole {@code lock} after their renewal, at {@code
   * nowNanos}.
   */
  int overdue(long nowNanos, Duration lock) {
    long lockNanos = lock.toNanos();
    return (int) renewedAtNanos.values().stream().filter(at -> nowNanos - at > lockNanos).count();
  }

  /** Forgets every renewal (the consumer that made them is gone). */
  void clear() {
    renewedAtNanos.clear();
  }
}

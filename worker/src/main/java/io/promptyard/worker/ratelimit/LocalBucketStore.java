package io.promptyard.worker.ratelimit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The same GCRA buckets in this JVM, for a worker without Redis or one that has lost it. Each
 * bucket refills {@code share} times slower than the shared one, so that the workers together stay
 * within the limit.
 */
final class LocalBucketStore implements BucketStore {

  private final long share;
  private final boolean startEmpty;
  private final LongSupplier clockMicros;
  private final long capacityMicros;

  /** TATs and holds by key; guarded by {@code this}, as the Lua scripts are serialised by Redis. */
  private final Map<String, Long> tats = new HashMap<>();

  /**
   * @param share how many workers share the limit; each local bucket gets 1/share of it
   * @param startEmpty whether a bucket never seen starts with one unit only (after a fail-over,
   *     when what the others used is unknown) rather than full
   * @param capacityMicros how far ahead of now a bucket's TAT may be: its burst, in refill time
   */
  LocalBucketStore(long share, boolean startEmpty, LongSupplier clockMicros, long capacityMicros) {
    this.share = Math.max(1, share);
    this.startEmpty = startEmpty;
    this.clockMicros = clockMicros;
    this.capacityMicros = capacityMicros;
  }

  long share() {
    return share;
  }

  @Override
  public synchronized Reservation reserve(String holdKey, List<Draw> draws, long maxWaitMicros) {
    long now = clockMicros.getAsLong();
    long start = Math.max(now, tats.getOrDefault(holdKey, 0L));
    long[] next = new long[draws.size()];
    for (int i = 0; i < draws.size(); i++) {
      Draw d = draws.get(i);
      long interval = d.intervalMicros() * share;
      next[i] = tat(d.key(), interval, now) + interval * d.cost();
      start = Math.max(start, next[i] - capacityMicros);
    }
    long wait = start - now;
    if (wait > maxWaitMicros) {
      return new Reservation(false, wait);
    }
    for (int i = 0; i < draws.size(); i++) {
      tats.put(draws.get(i).key(), next[i]);
    }
    return new Reservation(true, wait);
  }

  @Override
  public synchronized void settle(String holdKey, long holdMicros, List<Adjust> adjusts) {
    long now = clockMicros.getAsLong();
    long holdUntil = now + holdMicros;
    if (holdMicros > 0) {
      tats.merge(holdKey, holdUntil, Math::max);
    }
    for (Adjust a : adjusts) {
      long interval = a.intervalMicros() * share;
      long tat = Math.max(now, tat(a.key(), interval, now) + a.delta() * interval);
      if (a.remaining() >= 0) {
        // The provider's count is for all workers; this worker's share of it is what remains here.
        tat = Math.max(tat, now + capacityMicros - (a.remaining() / share + 1) * interval);
      }
      if (holdMicros > 0) {
        tat = Math.max(tat, holdUntil + capacityMicros - interval);
      }
      tats.put(a.key(), tat);
    }
  }

  private long tat(String key, long interval, long now) {
    Long tat = tats.get(key);
    if (tat == null) {
      return startEmpty ? now + capacityMicros - interval : now;
    }
    return Math.max(tat, now);
  }
}

package io.promptyard.worker.ratelimit;

import java.util.List;

/**
 * Where GCRA buckets live: Redis (shared by every worker) or this JVM (the fallback). Times are
 * microseconds on the store's own clock; each bucket holds up to its capacity (a minute of
 * allowance less the headroom).
 */
interface BucketStore {

  /**
   * One draw on a bucket: its key, the time one unit takes to refill, and how many units are taken.
   */
  record Draw(String key, long intervalMicros, long cost) {}

  /**
   * A correction after a call: {@code delta} units charged (negative: refunded), and what the
   * provider says remains ({@code -1} when it did not say).
   */
  record Adjust(String key, long intervalMicros, long delta, long remaining) {}

  /**
   * Granted: the call may go after {@code waitMicros}. Refused: nothing was taken; try again after
   * it.
   */
  record Reservation(boolean granted, long waitMicros) {}

  /**
   * Takes every draw or none: granted when the latest of the draws' conforming times and the hold
   * is at most {@code maxWaitMicros} away.
   */
  Reservation reserve(String holdKey, List<Draw> draws, long maxWaitMicros);

  /**
   * Applies corrections and, when {@code holdMicros > 0}, holds every draw on these buckets for
   * that long.
   */
  void settle(String holdKey, long holdMicros, List<Adjust> adjusts);
}

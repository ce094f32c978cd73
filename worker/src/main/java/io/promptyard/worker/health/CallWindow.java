package io.promptyard.worker.health;

import org.HdrHistogram.Histogram;

/**
 * Calls to one provider (or provider/model) over a recent window: count, provider-side failures and
 * a latency histogram. The window is a ring of time slots; a slot is cleared when its time comes
 * round again, so old calls fall out without a background task.
 */
final class CallWindow {

  /** Longest latency tracked exactly; longer calls are recorded as this. */
  private static final long MAX_MILLIS = 3_600_000L;

  private static final int SLOTS = 12;

  private final long slotMillis;
  private final Slot[] slots = new Slot[SLOTS];

  /** Counts of a window, with latency percentiles in milliseconds (0 when there were no calls). */
  record Summary(long calls, long failures, long p50Millis, long p99Millis) {
    double errorRate() {
      return calls == 0 ? 0.0 : (double) failures / calls;
    }
  }

  private static final class Slot {
    long index = -1;
    long calls;
    long failures;
    final Histogram latency = new Histogram(MAX_MILLIS, 2);
  }

  CallWindow(java.time.Duration window) {
    this.slotMillis = Math.max(1, window.toMillis() / SLOTS);
    for (int i = 0; i < SLOTS; i++) {
      slots[i] = new Slot();
    }
  }

  // Synchronized: recording takes well under a microsecond, far below the cost of the call it
  // describes.
  synchronized void record(long nowMillis, long latencyMillis, boolean failed) {
    long index = nowMillis / slotMillis;
    Slot slot = slots[(int) (index % SLOTS)];
    if (slot.index != index) {
      slot.index = index;
      slot.calls = 0;
      slot.failures = 0;
      slot.latency.reset();
    }
    slot.calls++;
    if (failed) {
      slot.failures++;
    }
    slot.latency.recordValue(Math.max(0, Math.min(MAX_MILLIS, latencyMillis)));
  }

  synchronized Summary summary(long nowMillis) {
    long newest = nowMillis / slotMillis;
    Histogram all = new Histogram(MAX_MILLIS, 2);
    long calls = 0;
    long failures = 0;
    for (Slot slot : slots) {
      if (slot.index > newest - SLOTS && slot.index <= newest) {
        calls += slot.calls;
        failures += slot.failures;
        all.add(slot.latency);
      }
    }
    if (calls == 0) {
      return new Summary(0, 0, 0, 0);
    }
    return new Summary(calls, failures, all.getValueAtPercentile(50), all.getValueAtPercentile(99));
  }
}

package io.promptyard.usage.totals;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps at most {@code max} distinct values per team, {@link Breakdown} and month as rows of their
 * own; a value first seen after that is counted under {@link Breakdown#OTHER} for the rest of the
 * month (its day rows too, so days add up to the month). {@link Breakdown#NONE} is always kept and
 * not counted. The values admitted, and their number, live in a changelogged store of the same task
 * as the totals, so the choice survives restarts and is made once per event under exactly-once.
 */
public final class LabelBound {

  private final KeyValueStore<String, Long> admitted;
  private final int max;

  public LabelBound(KeyValueStore<String, Long> admitted, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("the bound on distinct values must be at least 1");
    }
    this.admitted = admitted;
    this.max = max;
  }

  /** {@code value} if it has (or may now have) a row of its own this month, else OTHER. */
  public String admit(String team, Breakdown dimension, String month, String value) {
    if (value.equals(Breakdown.NONE)) {
      return value; // one row at most, and not a producer's choice
    }
    String count = dimension.label() + "|" + TotalsKey.escape(team) + "|" + month;
    String key = count + "|" + TotalsKey.escape(value);
    if (admitted.get(key) != null) {
      return value;
    }
    Long seen = admitted.get(count);
    long n = seen == null ? 0 : seen;
    if (n >= max) {
      return Breakdown.OTHER;
    }
    admitted.put(key, 1L);
    admitted.put(count, n + 1);
    return value;
  }
}

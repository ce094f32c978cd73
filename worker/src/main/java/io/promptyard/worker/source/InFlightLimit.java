package io.promptyard.worker.source;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How many jobs of one provider topic a worker runs at once, shared by the topic's share consumers.
 * A share consumer fetches again only once every record of its last poll is acknowledged, so a
 * consumer whose poll waits for its last slow job would otherwise keep the places of the jobs that
 * already finished; with the limit it holds only the places of its running jobs, and the others go
 * to whichever consumer polls next.
 */
public final class InFlightLimit {

  private final int max;
  private final Places places;

  /**
   * @param max jobs running at once, at most
   */
  public InFlightLimit(int max) {
    if (max < 1) {
      throw new IllegalArgumentException(
          "an in-flight limit must allow at least one job, not " + max);
    }
    this.max = max;
    // Fair: a consumer waiting for a whole poll's room is not overtaken forever by others taking
    // less.
    this.places = new Places(max);
  }

  public int max() {
    return max;
  }

  /** Jobs holding a place now. */
  public int inUse() {
    return max - places.availablePermits();
  }

  /**
   * Takes {@code n} places, waiting up to {@code timeout} for them; false when they were not free
   * by then.
   */
  boolean tryTake(int n, Duration timeout) throws InterruptedException {
    return places.tryAcquire(n, timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Takes {@code n} places at once, past the limit if need be (records a poll returned beyond its
   * room).
   */
  void takeAnyway(int n) {
    places.reduce(n);
  }

  /** Gives back {@code n} places. */
  void give(int n) {
    if (n > 0) {
      places.release(n);
    }
  }

  private static final class Places extends Semaphore {
    Places(int permits) {
      super(permits, true);
    }

    void reduce(int n) {
      reducePermits(n);
    }
  }
}

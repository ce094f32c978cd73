package io.promptyard.worker.source;

/**
 * Reads jobs from one provider topic and hands each to the job processor, acknowledging it once its
 * outcome is published. It runs on a thread of its own, which owns its Kafka consumer; {@link
 * #close()} may be called from any thread.
 */
public interface JobSource extends Runnable, AutoCloseable {

  /** Stops taking new jobs; the source's thread then closes its consumer and returns. */
  @Override
  void close();

  /**
   * After {@link #close()}, when the shutdown grace period is over: hand the jobs still running to
   * other workers instead of waiting for them. Sources whose unfinished jobs are redelivered anyway
   * ignore it.
   */
  default void releaseUnfinished() {}

  /** Jobs finished and acknowledged since {@link #close()}. */
  default int finishedWhileStopping() {
    return 0;
  }

  /** Jobs released for other workers since {@link #close()}. */
  default int releasedWhileStopping() {
    return 0;
  }
}

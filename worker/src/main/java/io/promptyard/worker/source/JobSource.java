package io.promptyard.worker.source;

/**
 * Reads jobs from one provider topic and hands each to the job processor, acknowledging it once its outcome
 * is published. It runs on a thread of its own, which owns its Kafka consumer; {@link #close()} may be called
 * from any thread.
 */
public interface JobSource extends Runnable, AutoCloseable {

  /** Stops taking new jobs; the source's thread then closes its consumer and returns. */
  @Override
  void close();
}

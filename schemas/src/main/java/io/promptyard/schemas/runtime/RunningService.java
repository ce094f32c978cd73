package io.promptyard.schemas.runtime;

/**
 * A started service as its {@code main} runs it: it reports the failure it cannot recover from, and
 * closes when the process stops.
 */
public interface RunningService extends AutoCloseable {

  /** The service's failure: completes when a long-running loop of it fails. */
  ServiceFailure failure();
}

package io.promptyard.schemas.runtime;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * Makes a Kafka Streams application's failure its service's {@link ServiceFailure}. A record that
 * cannot be processed is dead-lettered by the processing handlers; what reaches the
 * uncaught-exception handler is not one record's fault, and a replaced thread would meet it again
 * and again. So the application stops (state ERROR) and the failure is reported: the service's
 * health turns DOWN and its process exits non-zero, for its supervisor to start it afresh.
 */
public final class StreamsFailures {

  private StreamsFailures() {}

  /** Installs the handler and the state listener on {@code streams}, before it is started. */
  public static void reportTo(ServiceFailure failure, KafkaStreams streams, String applicationId) {
    streams.setUncaughtExceptionHandler(
        e -> {
          failure.report("stream thread " + Thread.currentThread().getName(), e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.ERROR && failure.failure().isEmpty()) {
            failure.report(
                "Kafka Streams application " + applicationId,
                new IllegalStateException("went from " + before + " to ERROR"));
          }
        });
  }
}

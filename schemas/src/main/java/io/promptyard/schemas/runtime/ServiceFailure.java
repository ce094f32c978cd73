package io.promptyard.schemas.runtime;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first failure a running service cannot recover from by itself: one of its long-running loops
 * ended on an exception (or ended while the service was not stopping), or its Kafka Streams
 * application went to ERROR. The service's health reports it, and {@link Services#runUntilStopped}
 * then ends the process with a non-zero status, so that its supervisor starts it afresh instead of
 * leaving it running without that loop.
 */
public final class ServiceFailure {

  private static final Logger log = LoggerFactory.getLogger(ServiceFailure.class);

  private final String service;
  private final CompletableFuture<ServiceFailedException> failed = new CompletableFuture<>();

  /**
   * @param service the service's name, as its log lines and exit message give it
   */
  public ServiceFailure(String service) {
    this.service = service;
  }

  /**
   * Records that {@code what} failed with {@code cause}; the first report is the one kept, and each
   * is logged.
   */
  public void report(String what, Throwable cause) {
    ServiceFailedException e =
        new ServiceFailedException(
            service
                + ": "
                + what
                + " failed: "
                + cause
                + "; the service stops so that its supervisor restarts it",
            cause);
    if (failed.complete(e)) {
      log.error("{}", e.getMessage(), cause);
    } else {
      log.error("{}: {} failed as well: {}", service, what, cause.toString(), cause);
    }
  }

  /**
   * Wraps a long-running loop so that its end is never silent: an exception that ends it, or a
   * return while {@code stopping} says the service is not stopping, is {@linkplain #report
   * reported}.
   *
   * @param name the loop's name, as its thread is named
   */
  public Runnable watch(String name, Runnable loop, BooleanSupplier stopping) {
    return () -> {
      try {
        loop.run();
      } catch (Throwable t) {
        if (!stopping.getAsBoolean()) {
          report("loop " + name, t);
        }
        throw t;
      }
      if (!stopping.getAsBoolean()) {
        report(
            "loop " + name,
            new IllegalStateException("the loop returned while the service was running"));
      }
    };
  }

  /** The failure, once one was reported. */
  public Optional<ServiceFailedException> failure() {
    return Optional.ofNullable(failed.getNow(null));
  }

  /**
   * Completes with the first failure reported; never completes for a service that only ever stops
   * cleanly.
   */
  public CompletableFuture<ServiceFailedException> whenFailed() {
    return failed.copy();
  }

  /**
   * A service stopped by a failure it could not recover from; its message names the service, the
   * part and the cause.
   */
  public static final class ServiceFailedException extends RuntimeException {
    ServiceFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}

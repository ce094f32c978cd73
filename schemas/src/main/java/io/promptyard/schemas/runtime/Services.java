package io.promptyard.schemas.runtime;

import java.util.concurrent.CountDownLatch;

/**
 * What every service's {@code main} does after starting: run until the process is asked to stop, or
 * fails, then close.
 */
public final class Services {

  private Services() {}

  /**
   * Blocks until the JVM shuts down (SIGTERM, Ctrl-C) or {@code failure} reports a failure, closing
   * {@code service} on the way out.
   *
   * @throws ServiceFailure.ServiceFailedException after closing the service, when it failed: the
   *     process is to exit with a non-zero status so that its supervisor restarts it
   */
  public static void runUntilStopped(String name, AutoCloseable service, ServiceFailure failure)
      throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              close(name, service);
              stopped.countDown();
            },
            name + "-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    failure.whenFailed().thenRun(stopped::countDown);
    stopped.await();
    if (failure.failure().isPresent()) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        return; // the hook closes the service; the JVM exits with the status it was asked for
      }
      close(name, service);
      throw failure.failure().get();
    }
  }

  private static void close(String name, AutoCloseable service) {
    try {
      service.close();
    } catch (Exception e) {
      System.err.println(name + " did not stop cleanly: " + e);
    }
  }
}

package io.promptyard.schemas.runtime;

import java.util.concurrent.CountDownLatch;

/** What every service's {@code main} does after starting: run until the process is asked to stop, then close. */
public final class Services {

  private Services() {}

  /** Blocks until the JVM shuts down (SIGTERM, Ctrl-C), closing {@code service} on the way out. */
  public static void runUntilStopped(String name, AutoCloseable service) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        service.close();
      } catch (Exception e) {
        System.err.println(name + " did not stop cleanly: " + e);
      } finally {
        stopped.countDown();
      }
    }, name + "-shutdown"));
    stopped.await();
  }
}

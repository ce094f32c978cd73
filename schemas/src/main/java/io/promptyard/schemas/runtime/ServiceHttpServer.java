package io.promptyard.schemas.runtime;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The JDK HTTP server a service answers on (the worker's {@code /metrics} and {@code /health}, the
 * aggregator's API and dashboard): bound when made, so that a taken port fails the start with a
 * message saying what to change, and serving each exchange on a virtual thread of its own.
 */
public final class ServiceHttpServer implements AutoCloseable {

  /** Connections the operating system queues before the server accepts them. */
  private static final int BACKLOG = 64;

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  private ServiceHttpServer(HttpServer server) {
    this.server = server;
    server.setExecutor(executor);
  }

  /**
   * Binds {@code port} of {@code bindAddress} (0 picks a free port; {@code 0.0.0.0} is every
   * interface); nothing is served before {@link #start}.
   *
   * @param serves what the server is for, for the error when it cannot bind
   * @param choices what the operator may choose instead of the port, for that error
   */
  public static ServiceHttpServer bind(
      String bindAddress, int port, String serves, String choices) {
    try {
      return new ServiceHttpServer(
          HttpServer.create(new InetSocketAddress(bindAddress, port), BACKLOG));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not serve "
              + serves
              + " on "
              + bindAddress
              + ":"
              + port
              + "; "
              + choices
              + ", and an address of this host",
          e);
    }
  }

  /** Answers requests under {@code path} with {@code handler}. */
  public void createContext(String path, HttpHandler handler) {
    server.createContext(path, handler);
  }

  /** Starts serving. */
  public void start() {
    server.start();
  }

  /** The port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The address and port the server listens on. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Stops at once, ending the exchanges in progress. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}

package io.promptyard.testkit.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.promptyard.schemas.serde.JsonMappers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An in-process HTTP server that speaks OpenAI's Chat Completions API with deterministic answers,
 * honest token counts, and configurable latency, failures, rate limits and API key, for tests,
 * benchmarks and {@code promptyard dev}.
 */
public final class SimulatedProvider implements AutoCloseable {

  /** Room for the bursts of connections a benchmark opens at once. */
  private static final int BACKLOG = 1024;

  private final SimulatorConfig config;
  private final HttpServer server;
  private final ExecutorService executor;
  private final Routes routes;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SimulatedProvider(
      SimulatorConfig config, HttpServer server, ExecutorService executor, Routes routes) {
    this.config = config;
    this.server = server;
    this.executor = executor;
    this.routes = routes;
  }

  /** Binds to 127.0.0.1 on the configured port (0 = a free one) and starts serving. */
  public static SimulatedProvider start(SimulatorConfig config) {
    ObjectMapper mapper = JsonMappers.mapper();
    HttpServer server;
    try {
      InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
      server = HttpServer.create(new InetSocketAddress(loopback, config.port()), BACKLOG);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not bind the simulated provider to 127.0.0.1:"
              + config.port()
              + "; choose a free port or 0",
          e);
    }
    Routes routes = new Routes(mapper, config);
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    server.createContext("/", routes);
    server.setExecutor(executor);
    server.start();
    return new SimulatedProvider(config, server, executor, routes);
  }

  public SimulatorConfig config() {
    return config;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The base URL an OpenAI client takes, such as {@code http://127.0.0.1:54321/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port() + "/v1";
  }

  /**
   * How many HTTP requests have been answered so far, whatever their status, model lists ({@code
   * GET /v1/models}, which a worker sends to check its keys) aside.
   */
  public long requestsServed() {
    return routes.served();
  }

  /** How many requests were answered 429 (rate limited) so far. */
  public long rateLimitedResponses() {
    return routes.rateLimited();
  }

  /** Stops accepting connections and abandons requests still waiting out their latency. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.stop(0);
      executor.shutdownNow();
    }
  }
}

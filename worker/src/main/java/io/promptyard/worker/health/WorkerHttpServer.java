package io.promptyard.worker.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.promptyard.schemas.CircuitState;
import io.promptyard.schemas.http.BearerGate;
import io.promptyard.schemas.http.HttpTokens;
import io.promptyard.worker.metrics.WorkerMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The worker's operations endpoints: {@code GET /metrics} (Prometheus text; needs the bearer token
 * when one is configured) and {@code GET /health} (always open, for orchestrator probes: 200 with
 * the state of every circuit while the consumers run, 503 otherwise).
 */
public final class WorkerHttpServer implements AutoCloseable {

  /** What {@code /health} reports. */
  public enum Status {
    /** Consumers are running. */
    UP,
    /** A consumer has stopped on its own. */
    DOWN,
    /** The worker is finishing or releasing its jobs and takes no new ones. */
    SHUTTING_DOWN
  }

  private final HttpServer server;
  private final ExecutorService executor;

  private WorkerHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving on {@code port} on every interface (0 picks a free port), without a token.
   *
   * @param circuits the state of each circuit, by provider or provider/model
   */
  public static WorkerHttpServer start(
      int port,
      WorkerMetrics metrics,
      Supplier<Status> status,
      Supplier<Map<String, CircuitState>> circuits) {
    return start("0.0.0.0", port, HttpTokens.NONE, metrics, status, circuits);
  }

  /**
   * Starts serving on {@code port} of {@code bindAddress} (0 picks a free port; {@code 0.0.0.0} is
   * every interface).
   *
   * @param tokens the bearer token {@code /metrics} requires, if any
   * @param circuits the state of each circuit, by provider or provider/model
   */
  public static WorkerHttpServer start(
      String bindAddress,
      int port,
      HttpTokens tokens,
      WorkerMetrics metrics,
      Supplier<Status> status,
      Supplier<Map<String, CircuitState>> circuits) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(bindAddress, port), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not serve /metrics and /health on "
              + bindAddress
              + ":"
              + port
              + "; choose a free port, 0 for any, or -1 for none, and an address of this host",
          e);
    }
    BearerGate gate = new BearerGate(tokens);
    server.createContext(
        "/metrics",
        exchange -> {
          if (gate.admit(exchange).isPresent() && allowGet(exchange)) {
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
          }
        });
    server.createContext(
        "/health",
        exchange -> {
          if (allowGet(exchange)) {
            Status s = status.get();
            respond(
                exchange,
                s == Status.UP ? 200 : 503,
                "application/json",
                healthJson(s, circuits.get()));
          }
        });
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    server.start();
    return new WorkerHttpServer(server, executor);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The address and port the server listens on. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  static String healthJson(Status status, Map<String, CircuitState> circuits) {
    StringBuilder json =
        new StringBuilder("{\"status\":\"").append(status).append("\",\"providers\":{");
    String sep = "";
    for (var e : circuits.entrySet()) {
      json.append(sep)
          .append('"')
          .append(escape(e.getKey()))
          .append("\":\"")
          .append(e.getValue())
          .append('"');
      sep = ",";
    }
    return json.append("}}").toString();
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static boolean allowGet(HttpExchange exchange) throws IOException {
    if ("GET".equals(exchange.getRequestMethod()) || "HEAD".equals(exchange.getRequestMethod())) {
      return true;
    }
    exchange.getResponseHeaders().add("Allow", "GET, HEAD");
    respond(exchange, 405, "text/plain; charset=utf-8", "use GET\n");
    return false;
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", type);
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!head) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}

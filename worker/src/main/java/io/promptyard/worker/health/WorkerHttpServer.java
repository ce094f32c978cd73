package io.promptyard.worker.health;

import com.sun.net.httpserver.HttpExchange;
import io.promptyard.schemas.CircuitState;
import io.promptyard.schemas.http.BearerGate;
import io.promptyard.schemas.http.HttpTokens;
import io.promptyard.schemas.runtime.ServiceHttpServer;
import io.promptyard.worker.metrics.WorkerMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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

  private final ServiceHttpServer server;

  private WorkerHttpServer(ServiceHttpServer server) {
    this.server = server;
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
    ServiceHttpServer server =
        ServiceHttpServer.bind(
            bindAddress,
            port,
            "/metrics and /health",
            "choose a free port, 0 for any, or -1 for none");
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
    server.start();
    return new WorkerHttpServer(server);
  }

  public int port() {
    return server.port();
  }

  /** The address and port the server listens on. */
  public InetSocketAddress address() {
    return server.address();
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
    server.close();
  }
}

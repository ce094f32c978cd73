package io.promptyard.schemas.runtime;

import com.sun.net.httpserver.HttpExchange;
import io.promptyard.schemas.http.BearerGate;
import io.promptyard.schemas.http.HttpTokens;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The operations endpoints of a service with no other HTTP API (the router, the worker): {@code GET
 * /metrics}, Prometheus text, behind the bearer token when one is configured, and {@code GET
 * /health}, always open for orchestrator probes, 200 while the service is up and 503 otherwise,
 * with a JSON body saying why.
 */
public final class OperationsServer implements AutoCloseable {

  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /**
   * What {@code /health} answers.
   *
   * @param up 200 when true, 503 otherwise
   * @param json the body, a JSON object
   */
  public record Health(boolean up, String json) {}

  private final ServiceHttpServer server;

  private OperationsServer(ServiceHttpServer server) {
    this.server = server;
  }

  /**
   * Starts serving on {@code port} of {@code bindAddress} (0 picks a free port; {@code 0.0.0.0} is
   * every interface).
   *
   * @param tokens the bearer token {@code /metrics} requires, if any
   * @param metrics the Prometheus text of a scrape
   * @param health the service's state at the time of a probe
   */
  public static OperationsServer start(
      String bindAddress,
      int port,
      HttpTokens tokens,
      Supplier<String> metrics,
      Supplier<Health> health) {
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
            respond(exchange, 200, PROMETHEUS_TEXT, metrics.get());
          }
        });
    server.createContext(
        "/health",
        exchange -> {
          if (allowGet(exchange)) {
            Health h = health.get();
            respond(exchange, h.up() ? 200 : 503, "application/json", h.json());
          }
        });
    server.start();
    return new OperationsServer(server);
  }

  /** The address and port the server listens on. */
  public InetSocketAddress address() {
    return server.address();
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

  /** Stops at once, ending the exchanges in progress. */
  @Override
  public void close() {
    server.close();
  }
}

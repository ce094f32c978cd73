package io.promptyard.schemas.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.promptyard.schemas.http.Access;
import io.promptyard.schemas.http.BearerGate;
import io.promptyard.schemas.http.HttpTokens;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoints of a service: {@code GET /metrics}, Prometheus text, behind the
 * full-access bearer token when tokens are configured, and {@code GET /health}, always open for
 * orchestrator probes, 200 while the service is up and 503 otherwise, with a JSON body saying why.
 * A service with no other HTTP API (the router, the worker) {@link #start}s a server of its own;
 * one with more (the aggregator) {@link #addTo adds} them to its server. Errors are answered as
 * JSON {@code {"error":…}}.
 */
public final class OperationsServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OperationsServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String JSON_TYPE = "application/json";

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
    addTo(server, new BearerGate(tokens), metrics, health);
    server.start();
    return new OperationsServer(server);
  }

  /**
   * Answers {@code /metrics} and {@code /health} on {@code server}, which serves more: {@code
   * /metrics} to the callers {@code gate} admits with full access (403 to a team's token).
   */
  public static void addTo(
      ServiceHttpServer server,
      BearerGate gate,
      Supplier<String> metrics,
      Supplier<Health> health) {
    server.createContext(
        "/metrics",
        answering(
            exchange -> {
              Optional<Access> access = gate.admit(exchange);
              if (access.isEmpty() || !allowGet(exchange)) {
                return;
              }
              if (access.get().allTeams()) {
                respond(exchange, 200, PROMETHEUS_TEXT, metrics.get());
              } else {
                respond(exchange, 403, JSON_TYPE, error("/metrics needs the full-access token"));
              }
            }));
    server.createContext(
        "/health",
        answering(
            exchange -> {
              if (allowGet(exchange)) {
                Health h = health.get();
                respond(exchange, h.up() ? 200 : 503, JSON_TYPE, h.json());
              }
            }));
  }

  /** The address and port the server listens on. */
  public InetSocketAddress address() {
    return server.address();
  }

  /**
   * {@code handler}, answering 500 when it fails before it answered: the JDK server would only
   * close the connection.
   */
  private static HttpHandler answering(HttpHandler handler) {
    return exchange -> {
      try {
        handler.handle(exchange);
      } catch (RuntimeException e) {
        log.warn("{} failed", exchange.getRequestURI(), e);
        respond(exchange, 500, JSON_TYPE, error(String.valueOf(e.getMessage())));
      }
    };
  }

  private static boolean allowGet(HttpExchange exchange) throws IOException {
    if ("GET".equals(exchange.getRequestMethod()) || "HEAD".equals(exchange.getRequestMethod())) {
      return true;
    }
    exchange.getResponseHeaders().add("Allow", "GET, HEAD");
    respond(exchange, 405, JSON_TYPE, error("use GET"));
    return false;
  }

  private static String error(String message) {
    try {
      return JSON.writeValueAsString(Map.of("error", message));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.getResponseHeaders().add("Cache-Control", "no-store");
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

package io.promptyard.worker.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.promptyard.providers.KeyCheck;
import io.promptyard.schemas.CircuitState;
import io.promptyard.schemas.http.BearerGate;
import io.promptyard.schemas.http.HttpTokens;
import io.promptyard.schemas.runtime.ServiceHttpServer;
import io.promptyard.schemas.serde.JsonMappers;
import io.promptyard.worker.metrics.WorkerMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

  private static final ObjectMapper JSON = JsonMappers.mapper();

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
    return start("0.0.0.0", port, HttpTokens.NONE, metrics, status, circuits, Map::of);
  }

  /**
   * Starts serving on {@code port} of {@code bindAddress} (0 picks a free port; {@code 0.0.0.0} is
   * every interface).
   *
   * @param tokens the bearer token {@code /metrics} requires, if any
   * @param circuits the state of each circuit, by provider or provider/model
   * @param keys what the key check at start found for each provider's keys, by provider; a provider
   *     not yet checked is absent
   */
  public static WorkerHttpServer start(
      String bindAddress,
      int port,
      HttpTokens tokens,
      WorkerMetrics metrics,
      Supplier<Status> status,
      Supplier<Map<String, CircuitState>> circuits,
      Supplier<Map<String, List<KeyCheck>>> keys) {
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
                healthJson(s, circuits.get(), keys.get()));
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

  /**
   * {@code
   * {"status":…,"providers":{circuit:state…},"keys":{provider:[{"keyId","status","detail"}…]…}}}:
   * key ids only, never a key.
   */
  static String healthJson(
      Status status, Map<String, CircuitState> circuits, Map<String, List<KeyCheck>> keys) {
    Map<String, List<Map<String, String>>> byProvider = new TreeMap<>();
    keys.forEach(
        (provider, checks) ->
            byProvider.put(
                provider,
                checks.stream()
                    .map(
                        c -> {
                          Map<String, String> key = new LinkedHashMap<>();
                          key.put("keyId", c.keyId());
                          key.put("status", c.status().name());
                          key.put("detail", c.detail());
                          return key;
                        })
                    .toList()));
    Map<String, Object> health = new LinkedHashMap<>();
    health.put("status", status.name());
    health.put("providers", new TreeMap<>(circuits));
    health.put("keys", byProvider);
    try {
      return JSON.writeValueAsString(health);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write maps of strings as JSON", e);
    }
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

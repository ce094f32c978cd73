package io.promptyard.worker.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.providers.KeyCheck;
import io.promptyard.schemas.CircuitState;
import io.promptyard.schemas.http.HttpTokens;
import io.promptyard.schemas.runtime.OperationsServer;
import io.promptyard.schemas.serde.JsonMappers;
import io.promptyard.worker.metrics.WorkerMetrics;
import java.net.InetSocketAddress;
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

  private final OperationsServer server;

  private WorkerHttpServer(OperationsServer server) {
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
    OperationsServer server =
        OperationsServer.start(
            bindAddress,
            port,
            tokens,
            metrics::scrape,
            () -> {
              Status s = status.get();
              return new OperationsServer.Health(
                  s == Status.UP, healthJson(s, circuits.get(), keys.get()));
            });
    return new WorkerHttpServer(server);
  }

  public int port() {
    return server.address().getPort();
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

  @Override
  public void close() {
    server.close();
  }
}

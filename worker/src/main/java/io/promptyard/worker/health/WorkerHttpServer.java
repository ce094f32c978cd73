package io.promptyard.worker.health;

import io.promptyard.schemas.CircuitState;
import io.promptyard.schemas.http.HttpTokens;
import io.promptyard.schemas.runtime.OperationsServer;
import io.promptyard.worker.metrics.WorkerMetrics;
import java.net.InetSocketAddress;
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
    OperationsServer server =
        OperationsServer.start(
            bindAddress,
            port,
            tokens,
            metrics::scrape,
            () -> {
              Status s = status.get();
              return new OperationsServer.Health(s == Status.UP, healthJson(s, circuits.get()));
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

  @Override
  public void close() {
    server.close();
  }
}

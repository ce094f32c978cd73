package io.promptyard.worker.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.CircuitState;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.http.HttpTokens;
import io.promptyard.worker.WorkerConfig;
import io.promptyard.worker.metrics.WorkerMetrics;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What /metrics and /health answer. */
class WorkerHttpServerTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void healthIsUpWithEveryCircuitWhileConsumersRunAndUnavailableWhileShuttingDown()
      throws Exception {
    AtomicReference<WorkerHttpServer.Status> status =
        new AtomicReference<>(WorkerHttpServer.Status.UP);
    Map<String, CircuitState> circuits =
        new TreeMap<>(Map.of("openai", CircuitState.OPEN, "sim", CircuitState.CLOSED));
    try (WorkerHttpServer server =
        WorkerHttpServer.start(0, WorkerMetrics.noop(), status::get, () -> circuits)) {
      HttpResponse<String> up = get(server, "/health");
      assertThat(up.statusCode()).isEqualTo(200);
      assertThat(up.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(up.body())
          .isEqualTo(
              "{\"status\":\"UP\",\"providers\":{\"openai\":\"OPEN\",\"sim\":\"CLOSED\"},\"keys\":{}}");

      status.set(WorkerHttpServer.Status.SHUTTING_DOWN);
      HttpResponse<String> stopping = get(server, "/health");
      assertThat(stopping.statusCode()).isEqualTo(503);
      assertThat(stopping.body()).startsWith("{\"status\":\"SHUTTING_DOWN\"");
    }
  }

  @Test
  void metricsAreServedInThePrometheusTextFormat() throws Exception {
    WorkerMetrics metrics = WorkerMetrics.prometheus();
    metrics.callCompleted("sim", null, Duration.ofMillis(120));
    metrics.callCompleted("sim", ErrorCode.TIMEOUT, Duration.ofSeconds(30));
    metrics.cacheHit();
    metrics.limiterWaited("sim", Duration.ofMillis(250));
    metrics.cost("team-a", "sim", 1_234);
    metrics.circuitState("sim", () -> CircuitState.HALF_OPEN);
    try (WorkerHttpServer server =
        WorkerHttpServer.start(0, metrics, () -> WorkerHttpServer.Status.UP, Map::of)) {
      HttpResponse<String> scrape = get(server, "/metrics");

      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body())
          .contains("promptyard_worker_calls_seconds_count{outcome=\"success\",provider=\"sim\"} 1")
          .contains("promptyard_worker_errors_total{code=\"TIMEOUT\",provider=\"sim\"} 1")
          .contains("promptyard_worker_cache_total{result=\"hit\"} 1")
          .contains("promptyard_worker_limiter_wait_seconds_count{provider=\"sim\"} 1")
          .contains("promptyard_worker_cost_micros_total{provider=\"sim\",team=\"team-a\"} 1234")
          .contains("promptyard_worker_circuit_state{circuit=\"sim\",state=\"half_open\"} 1")
          .contains("promptyard_worker_circuit_state{circuit=\"sim\",state=\"open\"} 0")
          .contains("promptyard_worker_jobs_in_flight 0");
    }
  }

  @Test
  void withATokenMetricsNeedItAndHealthStaysOpenForProbes() throws Exception {
    String token = "worker-0123456789abcdef";
    HttpTokens tokens =
        HttpTokens.from(
            new Settings(Map.of("PROMPTYARD_WORKER_HTTP_TOKEN", token)),
            WorkerConfig.HTTP_TOKEN,
            WorkerConfig.HTTP_TOKEN_FILE);
    try (WorkerHttpServer server =
        WorkerHttpServer.start(
            "127.0.0.1",
            0,
            tokens,
            WorkerMetrics.prometheus(),
            () -> WorkerHttpServer.Status.UP,
            Map::of,
            Map::of)) {
      HttpResponse<String> none = get(server, "/metrics");
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      assertThat(none.body()).doesNotContain("promptyard_worker");
      assertThat(get(server, "/metrics", "Bearer not-" + token).statusCode()).isEqualTo(401);

      HttpResponse<String> scrape = get(server, "/metrics", "Bearer " + token);
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body()).contains("promptyard_worker_jobs_in_flight 0");

      assertThat(get(server, "/health").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void otherMethodsThanGetAreRefused() throws Exception {
    try (WorkerHttpServer server =
        WorkerHttpServer.start(
            0, WorkerMetrics.noop(), () -> WorkerHttpServer.Status.UP, Map::of)) {
      HttpResponse<String> post =
          http.send(
              HttpRequest.newBuilder(uri(server, "/health"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }

  private HttpResponse<String> get(WorkerHttpServer server, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(server, path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(WorkerHttpServer server, String path, String authorization)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(server, path)).header("Authorization", authorization).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(WorkerHttpServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  @Test
  void listensOnTheGivenAddressOnly() {
    try (WorkerHttpServer server =
        WorkerHttpServer.start(
            "127.0.0.1",
            0,
            HttpTokens.NONE,
            WorkerMetrics.noop(),
            () -> WorkerHttpServer.Status.UP,
            Map::of,
            Map::of)) {
      assertThat(server.address().getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
      assertThat(server.address().getAddress().isAnyLocalAddress()).isFalse();
      assertThat(server.port()).isPositive();
    }
  }

  @Test
  void listensOnEveryInterfaceWhenNoAddressIsGiven() {
    try (WorkerHttpServer server =
        WorkerHttpServer.start(
            0, WorkerMetrics.noop(), () -> WorkerHttpServer.Status.UP, Map::of)) {
      assertThat(server.address().getAddress().isAnyLocalAddress()).isTrue();
    }
  }
}

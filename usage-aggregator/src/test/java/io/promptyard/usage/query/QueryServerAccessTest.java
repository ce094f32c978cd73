package io.promptyard.usage.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.http.HttpTokens;
import io.promptyard.usage.AggregatorConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which of the aggregator's endpoints need a token once one is configured (the API's answers per
 * team are in {@code QueryApiIT}).
 */
class QueryServerAccessTest {

  private static final String FULL = "full-access-0123456789";
  private static final String ACME = "acme-only-0123456789";

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void withoutTokensEveryEndpointIsOpenAsBefore() throws Exception {
    HttpTokens tokens = AggregatorConfig.from(new Settings(Map.of())).httpTokens();

    try (QueryServer server = start(tokens)) {
      assertThat(get(server, "/metrics", null).statusCode()).isEqualTo(200);
      assertThat(get(server, "/api/teams", null).statusCode())
          .as("past the gate: the API is not handed over yet")
          .isEqualTo(503);
    }
  }

  @Test
  void withTokensMetricsNeedTheFullTokenAndHealthAndThePageStayOpen(@TempDir Path dir)
      throws Exception {
    Path teams = Files.writeString(dir.resolve("teams"), "acme=" + ACME + "\n");
    HttpTokens tokens =
        AggregatorConfig.from(
                new Settings(
                    Map.of(
                        "PROMPTYARD_USAGE_HTTP_TOKEN",
                        FULL,
                        "PROMPTYARD_USAGE_HTTP_TEAM_TOKENS_FILE",
                        teams.toString())))
            .httpTokens();

    try (QueryServer server = start(tokens)) {
      assertThat(get(server, "/metrics", null).statusCode()).isEqualTo(401);
      assertThat(get(server, "/metrics", "wrong-" + FULL).statusCode()).isEqualTo(401);
      assertThat(get(server, "/metrics", ACME).statusCode()).isEqualTo(403);
      assertThat(get(server, "/metrics", FULL).statusCode()).isEqualTo(200);

      assertThat(get(server, "/api/teams", null).statusCode()).isEqualTo(401);
      assertThat(get(server, "/api/teams", ACME).statusCode()).isEqualTo(503);

      assertThat(get(server, "/health", null).statusCode()).isEqualTo(200);
      assertThat(get(server, "/", null).statusCode()).isEqualTo(200);
      assertThat(get(server, "/dashboard.js", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theChartingLibraryIsServedFromItsWebjarNotTheInternet() throws Exception {
    try (QueryServer server = start(AggregatorConfig.from(new Settings(Map.of())).httpTokens())) {
      HttpResponse<String> script = get(server, "/uplot/uPlot.min.js", null);
      assertThat(script.statusCode()).isEqualTo(200);
      assertThat(script.headers().firstValue("Content-Type"))
          .hasValue("text/javascript; charset=utf-8");
      assertThat(script.body()).contains("uPlot").hasSizeGreaterThan(40_000);
      assertThat(get(server, "/uplot/uPlot.min.css", null).body()).contains(".uplot");
      assertThat(get(server, "/uplot/LICENSE", null).body()).contains("MIT");
      assertThat(get(server, "/charts.js", null).statusCode()).isEqualTo(200);
    }
  }

  private static QueryServer start(HttpTokens tokens) {
    return QueryServer.start(
        "127.0.0.1",
        0,
        tokens,
        () -> "promptyard_usage_events_total 0\n",
        () -> new QueryServer.Health(true, "RUNNING"));
  }

  private HttpResponse<String> get(QueryServer server, String path, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}

package io.promptyard.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.promptyard.router.guard.GuardSetting;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The router's own counters on {@code /metrics}, as a scrape shows them: what became of each
 * request, why requests were rejected and what the guard's detectors did, labelled only from closed
 * sets.
 */
class RouterCountersTopologyTest {

  private static final long DOLLAR = 1_000_000;
  private static final String OPENAI_KEY =
      "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z".repeat(2);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final RouterDriver router =
      new RouterDriver(TestCatalog.catalog(), GuardSetting.DEFAULT, RouterMetrics.of(registry));

  @AfterEach
  void close() {
    router.close();
  }

  @Test
  void routedAndRejectedAreShownAtZeroBeforeTheFirstRequest() {
    assertThat(registry.scrape())
        .contains("promptyard_router_requests_total{lane=\"batch\",outcome=\"routed\"} 0.0")
        .contains("promptyard_router_requests_total{lane=\"interactive\",outcome=\"routed\"} 0.0")
        .contains("promptyard_router_requests_total{lane=\"batch\",outcome=\"rejected\"} 0.0")
        .contains(
            "promptyard_router_requests_total{lane=\"interactive\",outcome=\"rejected\"} 0.0");
  }

  @Test
  void eachRequestCountsOnceUnderWhatBecameOfIt() {
    router.ask("r-1", "team-a", "cheap", "");
    router.ask("r-2", "team-a", "cheap", "\"priority\":\"interactive\"");
    router.budget("search", 50 * DOLLAR, null, 51 * DOLLAR, RouterDriver.NOW.minusSeconds(60));
    router.ask("over", "search", "cheap", "");
    router.json(
        "{\"model\":\"cheap\",\"messages\":[{\"role\":\"user\",\"content\":\"Use my key "
            + OPENAI_KEY
            + "\"}],\"metadata\":{\"team\":\"team-a\",\"request_id\":\"blocked\"}}");
    router.jsonIn.pipeInput(bytes("bad"), bytes("{not json"));

    String scrape = registry.scrape();

    assertThat(scrape)
        .contains("promptyard_router_requests_total{lane=\"batch\",outcome=\"routed\"} 1.0")
        .contains("promptyard_router_requests_total{lane=\"interactive\",outcome=\"routed\"} 1.0")
        .contains("promptyard_router_requests_total{lane=\"batch\",outcome=\"rejected\"} 2.0")
        .contains("promptyard_router_requests_total{lane=\"none\",outcome=\"dead_lettered\"} 1.0")
        .contains("promptyard_router_rejections_total{code=\"OVER_BUDGET\"} 1.0")
        .contains("promptyard_router_rejections_total{code=\"CONTENT_POLICY\"} 1.0")
        .contains(
            "promptyard_router_guard_verdicts_total{action=\"block\",detector=\"secret\"} 1.0")
        // No label carries what a producer wrote: neither its team nor its model.
        .doesNotContain("team-a")
        .doesNotContain("search")
        .doesNotContain("cheap");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

package io.promptyard.usage;

import static io.promptyard.usage.UsageDriver.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.promptyard.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The series of the aggregator's {@code /metrics} that the alerting rules and a user query. */
class UsageMetricsTest {

  private static final Instant NOV_20 = Instant.parse("2026-11-20T12:00:00Z");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final UsageDriver d =
      new UsageDriver(
          new UsageTopology.Options(
              Topics.defaults(),
              Duration.ofDays(35),
              Duration.ofDays(1),
              Duration.ofSeconds(1),
              1_000),
          new UsageMetrics(registry));

  @AfterEach
  void tearDown() {
    d.close();
  }

  @Test
  void theExceededBudgetSeriesIsScrapedAtZeroBeforeTheFirstBudgetIsReached() {
    // Prometheus's increase() sees nothing of a series that first appears at 1: the rule for an
    // exceeded budget needs the series at 0 before the first alert.
    assertThat(registry.scrape())
        .contains("promptyard_usage_alerts_total{exceeded=\"true\",kind=\"THRESHOLD\"} 0.0")
        .contains("promptyard_usage_alerts_total{exceeded=\"true\",kind=\"FORECAST\"} 0.0")
        .doesNotContain("kind=\"UNKNOWN\"");

    d.setBudget("acme", 10_000_000L, List.of(50, 100), NOV_20);
    d.send(event("r1:1", "acme", NOV_20, 6_000_000));
    assertThat(registry.scrape())
        .contains("promptyard_usage_alerts_total{exceeded=\"false\",kind=\"THRESHOLD\"} 1.0")
        .contains("promptyard_usage_alerts_total{exceeded=\"true\",kind=\"THRESHOLD\"} 0.0");

    d.send(event("r2:1", "acme", NOV_20.plusSeconds(1), 5_000_000));
    assertThat(registry.scrape())
        .contains("promptyard_usage_alerts_total{exceeded=\"true\",kind=\"THRESHOLD\"} 1.0");
  }

  @Test
  void usageEventsAreCountedByWhatBecameOfThemWithoutATeamLabel() {
    d.send(event("r1:1", "acme", NOV_20, 1_000));
    d.send(event("r1:1", "acme", NOV_20, 1_000));

    String scrape = registry.scrape();
    assertThat(scrape)
        .contains("promptyard_usage_events_total{outcome=\"aggregated\"} 1.0")
        .contains("promptyard_usage_events_total{outcome=\"duplicate\"} 1.0")
        .contains("promptyard_usage_events_total{outcome=\"late\"} 0.0")
        .doesNotContain("acme");
  }
}

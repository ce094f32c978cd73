package io.promptyard.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.CircuitState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WorkerMetricsTest {

  @Test
  void placesHeldAndTheirLimitAreScrapedPerTopic() {
    WorkerMetrics metrics = WorkerMetrics.prometheus();
    AtomicInteger batch = new AtomicInteger(1_900);
    metrics.places("promptyard.route.sim", batch::get, 2_200);
    metrics.places("promptyard.route.sim.interactive", () -> 100, 100);

    batch.set(2_150);

    assertThat(metrics.placesHeld("promptyard.route.sim")).isEqualTo(2_150);
    assertThat(metrics.placesHeld("promptyard.route.openai")).isZero();
    assertThat(metrics.scrape())
        .contains("promptyard_worker_places_held{topic=\"promptyard.route.sim\"} 2150.0")
        .contains("promptyard_worker_places_max{topic=\"promptyard.route.sim\"} 2200.0")
        .contains(
            "promptyard_worker_places_held{topic=\"promptyard.route.sim.interactive\"} 100.0");
  }

  @Test
  void providerCallLatencyIsAHistogramPrometheusComputesPercentilesFrom() {
    WorkerMetrics metrics = WorkerMetrics.prometheus();
    metrics.callCompleted("sim", null, Duration.ofMillis(300));
    metrics.callCompleted("sim", null, Duration.ofMillis(700));
    metrics.callCompleted("sim", null, Duration.ofSeconds(40));

    assertThat(metrics.scrape())
        .contains(
            "promptyard_worker_calls_seconds_bucket{outcome=\"success\",provider=\"sim\",le=\"0.5\"} 1")
        .contains(
            "promptyard_worker_calls_seconds_bucket{outcome=\"success\",provider=\"sim\",le=\"1.0\"} 2")
        .contains(
            "promptyard_worker_calls_seconds_bucket{outcome=\"success\",provider=\"sim\",le=\"60.0\"} 3")
        .contains(
            "promptyard_worker_calls_seconds_bucket{outcome=\"success\",provider=\"sim\",le=\"+Inf\"} 3");
  }

  @Test
  void jobLatencyFromRoutingIsAHistogramAndAClockBehindTheRoutersCountsAsZero() {
    WorkerMetrics metrics = WorkerMetrics.prometheus();
    metrics.jobAnswered(Duration.ofSeconds(3));
    metrics.jobAnswered(Duration.ofMillis(-40));

    assertThat(metrics.scrape())
        .contains("promptyard_worker_job_latency_seconds_bucket{le=\"0.1\"} 1")
        .contains("promptyard_worker_job_latency_seconds_bucket{le=\"5.0\"} 2")
        .contains("promptyard_worker_job_latency_seconds_sum 3.0");
  }

  @Test
  void finishedAndDeadLetteredJobsAreScrapedAtZeroBeforeTheFirstSoThatRateCountsIt() {
    WorkerMetrics metrics = WorkerMetrics.prometheus();
    assertThat(metrics.scrape())
        .contains("promptyard_worker_jobs_total{outcome=\"finished\"} 0.0")
        .contains("promptyard_worker_jobs_total{outcome=\"failed\"} 0.0");

    metrics.jobStarted();
    metrics.jobEnded("failed");

    assertThat(metrics.scrape()).contains("promptyard_worker_jobs_total{outcome=\"failed\"} 1.0");
    assertThat(metrics.jobsEnded("failed")).isEqualTo(1);
    assertThat(metrics.inFlight()).isZero();
  }

  @Test
  void aCircuitIsOneSeriesPerStateWithOneForTheStateItIsIn() {
    WorkerMetrics metrics = WorkerMetrics.prometheus();
    AtomicReference<CircuitState> state = new AtomicReference<>(CircuitState.CLOSED);
    metrics.circuitState("sim", state::get);

    state.set(CircuitState.OPEN);

    assertThat(metrics.scrape())
        .contains("promptyard_worker_circuit_state{circuit=\"sim\",state=\"closed\"} 0.0")
        .contains("promptyard_worker_circuit_state{circuit=\"sim\",state=\"open\"} 1.0")
        .contains("promptyard_worker_circuit_state{circuit=\"sim\",state=\"half_open\"} 0.0");
  }

  @Test
  void tokensAreCountedByProviderModelAndKind() {
    WorkerMetrics metrics = WorkerMetrics.prometheus();
    metrics.tokens("openai", "gpt-4o-mini", 120, 30);
    metrics.tokens("openai", "gpt-4o-mini", 80, 20);

    assertThat(metrics.scrape())
        .contains(
            "promptyard_worker_tokens_total{kind=\"input\",model=\"gpt-4o-mini\",provider=\"openai\"} 200.0")
        .contains(
            "promptyard_worker_tokens_total{kind=\"output\",model=\"gpt-4o-mini\",provider=\"openai\"} 50.0");
  }

  @Test
  void spendIsLabelledByTheFirstTeamsSeenAndTheRestAsOther() {
    WorkerMetrics metrics = WorkerMetrics.prometheus(100);
    for (int i = 0; i < 10_000; i++) {
      metrics.cost("team-" + i, "sim", 10);
    }
    metrics.cost("team-0", "sim", 5);

    List<String> series =
        metrics
            .scrape()
            .lines()
            .filter(l -> l.startsWith("promptyard_worker_cost_micros_total{"))
            .toList();

    assertThat(series).hasSize(101);
    assertThat(series)
        .contains("promptyard_worker_cost_micros_total{provider=\"sim\",team=\"team-0\"} 15.0")
        .contains("promptyard_worker_cost_micros_total{provider=\"sim\",team=\"team-99\"} 10.0")
        .contains("promptyard_worker_cost_micros_total{provider=\"sim\",team=\"other\"} 99000.0")
        .noneMatch(l -> l.contains("team=\"team-100\""));
  }

  @Test
  void aTeamLabelLimitOfZeroLabelsAllSpendAsOther() {
    WorkerMetrics metrics = WorkerMetrics.prometheus(0);
    metrics.cost("a", "sim", 1);
    metrics.cost("b", "sim", 2);

    assertThat(metrics.scrape())
        .contains("promptyard_worker_cost_micros_total{provider=\"sim\",team=\"other\"} 3.0")
        .doesNotContain("team=\"a\"");
  }
}

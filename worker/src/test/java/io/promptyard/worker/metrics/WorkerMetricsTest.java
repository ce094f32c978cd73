package io.promptyard.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
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
}

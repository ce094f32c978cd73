package io.promptyard.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.runtime.ServiceTracing;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exporters docs/CONFIGURATION.md offers start with what the worker ships. */
class WorkerTracingConfigTest {

  @Test
  void otlpStartsOnTheShippedHttpSenderWithoutFurtherSettings() {
    try (ServiceTracing tracing =
        ServiceTracing.start("promptyard-worker", Map.of("OTEL_TRACES_EXPORTER", "otlp"))) {
      assertThat(tracing.tracing().on()).isTrue();
    }
  }

  @Test
  void loggingStarts() {
    try (ServiceTracing tracing =
        ServiceTracing.start("promptyard-worker", Map.of("OTEL_TRACES_EXPORTER", "logging"))) {
      assertThat(tracing.tracing().tracer().spanBuilder("s").startSpan().isRecording()).isTrue();
    }
  }
}

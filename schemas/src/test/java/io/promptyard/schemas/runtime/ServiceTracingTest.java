package io.promptyard.schemas.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceTracingTest {

  @Test
  void tracingIsOffUnlessAnExporterIsNamed() {
    assertThat(ServiceTracing.start("promptyard-test", Map.of())).isSameAs(ServiceTracing.OFF);
    assertThat(ServiceTracing.start("promptyard-test", Map.of("OTEL_TRACES_EXPORTER", "none")))
        .isSameAs(ServiceTracing.OFF);
    assertThat(
            ServiceTracing.start(
                "promptyard-test",
                Map.of("OTEL_TRACES_EXPORTER", "logging", "OTEL_SDK_DISABLED", "true")))
        .isSameAs(ServiceTracing.OFF);
    assertThat(ServiceTracing.OFF.tracing().on()).isFalse();
  }

  @Test
  void anUnknownExporterIsABadSetting() {
    assertThatThrownBy(
            () -> ServiceTracing.start("promptyard-test", Map.of("OTEL_TRACES_EXPORTER", "jaegr")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("jaegr");
  }

  @Test
  void theLoggingExporterRecordsSpans() {
    try (ServiceTracing tracing =
        ServiceTracing.start("promptyard-test", Map.of("OTEL_TRACES_EXPORTER", "logging"))) {
      assertThat(tracing.tracing().on()).isTrue();
      var span = tracing.tracing().tracer().spanBuilder("step").startSpan();
      assertThat(span.isRecording()).isTrue();
      span.end();
    }
  }
}

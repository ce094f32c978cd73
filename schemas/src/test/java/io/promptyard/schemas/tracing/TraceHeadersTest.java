package io.promptyard.schemas.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceHeadersTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PRODUCER = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

  @Test
  void aSpanStartedFromARecordsHeadersContinuesItsTraceOnTheNextRecord() {
    InMemorySpanExporter exported = InMemorySpanExporter.create();
    JobTracing tracing = tracing(exported);
    Headers next = new RecordHeaders();
    next.add(
        TraceHeaders.TRACEPARENT,
        "00-ffffffffffffffffffffffffffffffff-1111111111111111-01".getBytes());

    Span span =
        tracing
            .tracer()
            .spanBuilder("step")
            .setParent(TraceHeaders.extract(headers(PRODUCER)))
            .startSpan();
    try (Scope scope = span.makeCurrent()) {
      TraceHeaders.injectCurrent(next);
    } finally {
      span.end();
    }

    SpanData step = exported.getFinishedSpanItems().getFirst();
    assertThat(step.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(step.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(next.headers(TraceHeaders.TRACEPARENT)).as("one traceparent, the step's").hasSize(1);
    assertThat(value(next)).isEqualTo("00-" + TRACE_ID + "-" + step.getSpanId() + "-01");
  }

  @Test
  void withTracingOffTheProducersTraceparentTravelsUnchanged() {
    Span span =
        JobTracing.OFF
            .tracer()
            .spanBuilder("step")
            .setParent(TraceHeaders.extract(headers(PRODUCER)))
            .startSpan();
    Headers next = new RecordHeaders();
    try (Scope scope = span.makeCurrent()) {
      TraceHeaders.injectCurrent(next);
    }
    assertThat(span.isRecording()).isFalse();
    assertThat(value(next)).isEqualTo(PRODUCER);
  }

  @Test
  void aRecordWithoutTraceContextStartsANewTraceWhenTracingIsOn() {
    InMemorySpanExporter exported = InMemorySpanExporter.create();
    Span span =
        tracing(exported)
            .tracer()
            .spanBuilder("step")
            .setParent(TraceHeaders.extract(new RecordHeaders()))
            .startSpan();
    span.end();
    SpanData step = exported.getFinishedSpanItems().getFirst();
    assertThat(step.getParentSpanContext().isValid()).isFalse();
    assertThat(step.getSpanContext().isValid()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4bf92f3577b34da6a3ce929d0e0e473\n-00f067aa0ba902b7-01",
        "not a traceparent",
        ""
      })
  void aMalformedTraceparentIsNoParentAndIsNotPassedOn(String forged) {
    Context extracted = TraceHeaders.extract(headers(forged));
    assertThat(Span.fromContext(extracted).getSpanContext().isValid()).isFalse();
    Headers next = new RecordHeaders();
    TraceHeaders.inject(extracted, next);
    assertThat(next.lastHeader(TraceHeaders.TRACEPARENT)).isNull();
  }

  @Test
  void anOverlongHeaderIsNotRead() {
    Headers headers = headers(PRODUCER);
    headers.add(
        TraceHeaders.TRACEPARENT,
        (PRODUCER + " ".repeat(TraceHeaders.MAX_VALUE_BYTES)).getBytes(StandardCharsets.US_ASCII));
    assertThat(Span.fromContext(TraceHeaders.extract(headers)).getSpanContext().isValid())
        .isFalse();
  }

  private static JobTracing tracing(InMemorySpanExporter exported) {
    return JobTracing.with(
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exported))
                    .build())
            .build());
  }

  private static Headers headers(String traceparent) {
    Headers headers = new RecordHeaders();
    headers.add(TraceHeaders.TRACEPARENT, traceparent.getBytes(StandardCharsets.US_ASCII));
    return headers;
  }

  private static String value(Headers headers) {
    return new String(
        headers.lastHeader(TraceHeaders.TRACEPARENT).value(), StandardCharsets.US_ASCII);
  }
}

package io.promptyard.router;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.promptyard.schemas.tracing.JobTracing;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * With tracing on, each request's routing is a span in its producer's trace (or a new one), and the
 * record it becomes carries that span as the parent of the worker's.
 */
class TracingTopologyTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PRODUCER_SPAN = "00f067aa0ba902b7";

  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final RouterDriver router =
      new RouterDriver(
          TestCatalog.catalog(),
          JobTracing.with(
              OpenTelemetrySdk.builder()
                  .setTracerProvider(
                      SdkTracerProvider.builder()
                          .addSpanProcessor(SimpleSpanProcessor.create(exported))
                          .build())
                  .build()));

  @AfterEach
  void close() {
    router.close();
  }

  @Test
  void aRoutedRequestsSpanIsAChildOfTheProducersAndTheParentOnItsRouteRecord() {
    router.jsonIn.pipeInput(
        new TestRecord<>(
            utf8("r-1"),
            utf8(chat("r-1", "\"cache\":{\"mode\":\"bypass\"}")),
            traced(),
            RouterDriver.NOW));

    Headers routed = router.route("alpha").readRecord().headers();
    SpanData span = exported.getFinishedSpanItems().getFirst();
    assertThat(span.getName()).isEqualTo("promptyard.route");
    assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(span.getParentSpanId()).isEqualTo(PRODUCER_SPAN);
    assertThat(routed.headers("traceparent")).hasSize(1);
    assertThat(text(routed.lastHeader("traceparent").value()))
        .isEqualTo("00-" + TRACE_ID + "-" + span.getSpanId() + "-01");
    var attributes = span.getAttributes();
    assertThat(attributes.get(JobTracing.OUTCOME)).isEqualTo("routed");
    assertThat(attributes.get(JobTracing.PROVIDER)).isEqualTo("alpha");
    assertThat(attributes.get(JobTracing.MODEL)).isEqualTo("a-mini");
    assertThat(attributes.get(JobTracing.CACHE_MODE)).isEqualTo("BYPASS");
    assertThat(attributes.get(JobTracing.GUARD)).isEqualTo("off");
    assertThat(attributes.get(JobTracing.REQUEST_ID)).isEqualTo("r-1");
    assertThat(attributes.get(JobTracing.TEAM)).isEqualTo("team-a");
    assertThat(attributes.asMap().values())
        .as("no prompt text in a span")
        .noneMatch(v -> v.toString().contains("Say hello"));
  }

  @Test
  void aRequestWithoutTraceContextStartsATraceItsRouteRecordCarries() {
    router.ask("r-2", "team-a", "alpha/a-mini", "");

    Headers routed = router.route("alpha").readRecord().headers();
    SpanData span = exported.getFinishedSpanItems().getFirst();
    assertThat(span.getParentSpanContext().isValid()).isFalse();
    assertThat(text(routed.lastHeader("traceparent").value()))
        .startsWith("00-" + span.getTraceId() + "-" + span.getSpanId() + "-");
  }

  @Test
  void aRejectionIsARouteSpanAndItsResultCarriesTheTrace() {
    router.jsonIn.pipeInput(
        new TestRecord<>(
            utf8("r-3"),
            utf8(chat("r-3", "").replace("alpha/a-mini", "nobody/none")),
            traced(),
            RouterDriver.NOW));

    Headers result = router.results.readRecord().headers();
    SpanData span = exported.getFinishedSpanItems().getFirst();
    assertThat(span.getAttributes().get(JobTracing.OUTCOME)).isEqualTo("rejected");
    assertThat(span.getAttributes().get(JobTracing.ERROR_CODE)).isNotBlank();
    assertThat(text(result.lastHeader("traceparent").value()))
        .isEqualTo("00-" + TRACE_ID + "-" + span.getSpanId() + "-01");
  }

  @Test
  void theLinesLoggedWhileRoutingCarryTheTraceIdOfANewTrace() {
    ListAppender<ILoggingEvent> logs =
        new ListAppender<>() {
          @Override
          protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing();
            super.append(event);
          }
        };
    Logger logger = (Logger) LoggerFactory.getLogger(RouterTopology.class);
    logs.start();
    logger.addAppender(logs);
    try {
      router.ask("r-4", "team-a", "nobody/none", "");
    } finally {
      logger.detachAppender(logs);
    }

    SpanData span = exported.getFinishedSpanItems().getFirst();
    assertThat(logs.list)
        .filteredOn(e -> e.getFormattedMessage().startsWith("rejected request r-4"))
        .singleElement()
        .extracting(e -> e.getMDCPropertyMap().get("traceId"))
        .isEqualTo(span.getTraceId());
  }

  private static Headers traced() {
    Headers headers = new RecordHeaders();
    headers.add("traceparent", utf8("00-" + TRACE_ID + "-" + PRODUCER_SPAN + "-01"));
    return headers;
  }

  private static String chat(String id, String metadata) {
    return "{\"model\":\"alpha/a-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}],"
        + "\"metadata\":{\"team\":\"team-a\",\"request_id\":\""
        + id
        + "\""
        + (metadata.isEmpty() ? "" : "," + metadata)
        + "}}";
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.US_ASCII);
  }
}

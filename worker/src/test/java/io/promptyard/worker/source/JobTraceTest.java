package io.promptyard.worker.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimits;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.schemas.tracing.JobTracing;
import io.promptyard.worker.cache.InMemoryResponseCache;
import io.promptyard.worker.cache.SemanticAnswers;
import io.promptyard.worker.guard.CallGuard;
import io.promptyard.worker.idempotency.InMemoryResultLedger;
import io.promptyard.worker.idempotency.PublishedResults;
import io.promptyard.worker.job.Backoff;
import io.promptyard.worker.job.JobPolicy;
import io.promptyard.worker.job.JobProcessor;
import io.promptyard.worker.job.OutcomePublisher;
import io.promptyard.worker.metrics.WorkerMetrics;
import io.promptyard.worker.moderation.OutputModeration;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * With tracing on, a job's worker spans continue the trace its record carries, and every record
 * published for it carries the trace on: a call that fails and falls back to the next model is one
 * trace of two jobs.
 */
class JobTraceTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String ROUTER_SPAN = "00f067aa0ba902b7";
  private static final Instant NOW = Instant.parse("2026-01-15T10:00:00Z");
  private static final Topics TOPICS = new Topics("promptyard.");

  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

  @Test
  void aCallThatFailsAndFallsBackIsOneTraceFromTheRoutersSpanToTheResult() {
    RecordHandler handler = handler(JobTracing.with(sdk()));
    RecordHeaders headers = new RecordHeaders();
    headers.add("traceparent", ("00-" + TRACE_ID + "-" + ROUTER_SPAN + "-01").getBytes());

    handler.handle(record(job(), headers), 1);
    ProducerRecord<String, byte[]> forwarded = only(TOPICS.route("sim"));
    handler.handle(record(forwarded.value(), forwarded.headers()), 1);

    List<SpanData> spans = exported.getFinishedSpanItems();
    assertThat(spans).allMatch(s -> s.getTraceId().equals(TRACE_ID), "one trace");
    List<SpanData> jobs = named(spans, "promptyard.job");
    assertThat(jobs).hasSize(2);
    SpanData first = jobs.get(0);
    SpanData second = jobs.get(1);
    assertThat(first.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(first.getParentSpanId()).isEqualTo(ROUTER_SPAN);
    assertThat(first.getAttributes().get(JobTracing.OUTCOME)).isEqualTo("forwarded");
    assertThat(second.getAttributes().get(JobTracing.OUTCOME)).isEqualTo("succeeded");
    assertThat(second.getAttributes().get(JobTracing.MODEL)).isEqualTo("sim-large");

    SpanData failed = childNamed(spans, first, "chat sim-mini");
    assertThat(failed.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(failed.getAttributes().get(JobTracing.GEN_AI_SYSTEM)).isEqualTo("sim");
    assertThat(failed.getAttributes().get(JobTracing.GEN_AI_REQUEST_MODEL)).isEqualTo("sim-mini");
    assertThat(failed.getAttributes().get(JobTracing.ERROR_TYPE)).isEqualTo("OVERLOADED");
    assertThat(failed.getAttributes().get(JobTracing.ATTEMPT)).isEqualTo(1L);
    SpanData fallback = childNamed(spans, first, "promptyard.fallback");
    assertThat(fallback.getAttributes().get(JobTracing.FALLBACK_TO)).isEqualTo("sim/sim-large");
    childNamed(spans, first, "promptyard.queue_wait");
    childNamed(spans, first, "promptyard.cache_lookup");
    childNamed(spans, first, "promptyard.rate_limit_wait");
    SpanData firstPublish = childNamed(spans, first, "promptyard.publish");
    assertThat(second.getParentSpanId())
        .as("the forwarded job's span is a child of the publishing that sent it")
        .isEqualTo(firstPublish.getSpanId());

    SpanData answered = childNamed(spans, second, "chat sim-large");
    assertThat(answered.getAttributes().get(JobTracing.GEN_AI_INPUT_TOKENS)).isEqualTo(10L);
    assertThat(answered.getAttributes().get(JobTracing.GEN_AI_OUTPUT_TOKENS)).isEqualTo(5L);
    assertThat(answered.getAttributes().get(JobTracing.GEN_AI_FINISH_REASONS))
        .containsExactly("stop");
    assertThat(answered.getAttributes().get(JobTracing.ATTEMPT)).isEqualTo(2L);
    SpanData secondPublish = childNamed(spans, second, "promptyard.publish");
    assertThat(traceparent(only(TOPICS.results()).headers()))
        .isEqualTo("00-" + TRACE_ID + "-" + secondPublish.getSpanId() + "-01");
    assertThat(published(TOPICS.usage()))
        .as("each call's usage record carries the publishing of its job")
        .extracting(r -> traceparent(r.headers()))
        .containsExactly(
            "00-" + TRACE_ID + "-" + firstPublish.getSpanId() + "-01",
            "00-" + TRACE_ID + "-" + secondPublish.getSpanId() + "-01");
    assertThat(spans)
        .as("no prompt or answer text in a span")
        .allMatch(
            s ->
                s.getAttributes().asMap().values().stream()
                    .noneMatch(
                        v -> v.toString().contains("question") || v.toString().contains("answer")));
  }

  @Test
  void withTracingOffTheRecordsTraceparentTravelsOnUnchanged() {
    RecordHandler handler = handler(JobTracing.OFF);
    RecordHeaders headers = new RecordHeaders();
    String producers = "00-" + TRACE_ID + "-" + ROUTER_SPAN + "-01";
    headers.add("traceparent", producers.getBytes());

    handler.handle(record(job(), headers), 1);
    ProducerRecord<String, byte[]> forwarded = only(TOPICS.route("sim"));
    handler.handle(record(forwarded.value(), forwarded.headers()), 1);

    assertThat(published(TOPICS.route("sim"), TOPICS.results(), TOPICS.usage()))
        .hasSize(4)
        .allSatisfy(r -> assertThat(traceparent(r.headers())).isEqualTo(producers));
    assertThat(exported.getFinishedSpanItems()).isEmpty();
  }

  private List<ProducerRecord<String, byte[]>> published(String... topics) {
    return producer.history().stream().filter(r -> List.of(topics).contains(r.topic())).toList();
  }

  private ProducerRecord<String, byte[]> only(String topic) {
    List<ProducerRecord<String, byte[]>> on = published(topic);
    assertThat(on).hasSize(1);
    return on.getFirst();
  }

  private static List<SpanData> named(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).toList();
  }

  private static SpanData childNamed(List<SpanData> spans, SpanData parent, String name) {
    return spans.stream()
        .filter(s -> s.getName().equals(name) && s.getParentSpanId().equals(parent.getSpanId()))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no span " + name + " under " + parent + ": " + spans));
  }

  private static String traceparent(Headers headers) {
    assertThat(headers.headers("traceparent")).hasSize(1);
    return new String(headers.lastHeader("traceparent").value(), StandardCharsets.US_ASCII);
  }

  private OpenTelemetrySdk sdk() {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exported))
                .build())
        .build();
  }

  /** sim/sim-mini with sim/sim-large to fall back to. */
  private static byte[] job() {
    RoutedRequest job = SourceHarness.job("r-1", "team-a");
    job =
        new RoutedRequest(
            job.getRequest(),
            RoutingDecision.newBuilder(job.getDecision())
                .setFallbackChain(List.of(new ModelRef("sim", "sim-large")))
                .setRoutedAt(NOW.minusSeconds(3))
                .build(),
            List.of());
    return AvroSerde.of(RoutedRequest.class).encode(job);
  }

  private static ConsumerRecord<String, byte[]> record(byte[] value, Headers headers) {
    return new ConsumerRecord<>(
        TOPICS.route("sim"),
        0,
        0L,
        NOW.minusSeconds(2).toEpochMilli(),
        TimestampType.CREATE_TIME,
        0,
        value.length,
        "r-1",
        value,
        headers,
        java.util.Optional.empty());
  }

  private RecordHandler handler(JobTracing tracing) {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    JobProcessor processor =
        new JobProcessor(
            ModelCatalog.bundled(),
            name -> new OverloadedMini(),
            new InMemoryResponseCache(clock),
            new InMemoryResultLedger(),
            PublishedResults.NONE,
            new JobPolicy(
                1,
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(50)),
                Duration.ofHours(1),
                Duration.ofDays(1)),
            CallGuard.NONE,
            WorkerMetrics.noop(),
            clock,
            OutcomePublisher.PUBLISHING_GRACE,
            SemanticAnswers.off(),
            tracing,
            OutputModeration.localOnly());
    return new RecordHandler(processor, new OutcomePublisher(producer, TOPICS), 3);
  }

  /** sim-mini is overloaded (retryable); sim-large answers. */
  private static final class OverloadedMini implements ChatProvider {
    @Override
    public String name() {
      return "sim";
    }

    @Override
    public ChatResponse complete(ChatRequest request) throws ProviderException {
      if (request.model().equals("sim-mini")) {
        throw new ProviderException(
            ErrorCode.OVERLOADED, true, 503, "overloaded", RateLimits.UNKNOWN, null);
      }
      return new ChatResponse(
          "answer", List.of(), "stop", new Usage(10, 5, 0, 0), request.model(), RateLimits.UNKNOWN);
    }

    @Override
    public ChatResponse stream(ChatRequest request, Consumer<ChatChunk> onChunk)
        throws ProviderException {
      return complete(request);
    }
  }
}

package io.promptyard.dev;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.promptyard.router.RouterTopology;
import io.promptyard.router.routing.RoutingDefaults;
import io.promptyard.router.routing.RoutingPolicy;
import io.promptyard.router.validation.RequestValidator;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.ingress.RequestLimits;
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
import io.promptyard.worker.source.RecordHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One request through the router and the worker, in memory (the router's topology on a {@link
 * TopologyTestDriver}, the worker's record handler publishing to a {@link MockProducer}), with
 * tracing on: its first provider fails retryably, the job falls back to the second, which answers.
 * The whole of it is one trace, from the producer's span through routing, both jobs and their calls
 * to the published result.
 */
class TraceAcrossServicesTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PRODUCER_SPAN = "00f067aa0ba902b7";
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  private final Topics topics = Topics.defaults();
  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final JobTracing tracing =
      JobTracing.with(
          OpenTelemetrySdk.builder()
              .setTracerProvider(
                  SdkTracerProvider.builder()
                      .addSpanProcessor(SimpleSpanProcessor.create(exported))
                      .build())
              .build());
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

  @Test
  void aRequestThatRetriesAndFallsBackIsOneConnectedTrace(@TempDir Path dir) throws Exception {
    ModelCatalog catalog = catalog(dir);
    RecordHandler worker = worker(catalog);
    ConsumerRecord<String, byte[]> routed;
    try (TopologyTestDriver router = router(catalog)) {
      Headers headers = new RecordHeaders();
      headers.add("traceparent", utf8("00-" + TRACE_ID + "-" + PRODUCER_SPAN + "-01"));
      router
          .createInputTopic(
              topics.requestsJson(), new ByteArraySerializer(), new ByteArraySerializer())
          .pipeInput(new TestRecord<>(utf8("r-1"), utf8(CHAT), headers, NOW));
      TestRecord<String, byte[]> out =
          router
              .createOutputTopic(
                  topics.route("alpha"), new StringDeserializer(), new ByteArrayDeserializer())
              .readRecord();
      routed = consumed(topics.route("alpha"), out.key(), out.value(), out.headers());
    }

    worker.handle(routed, 1);
    ProducerRecord<String, byte[]> fallback = only(topics.route("beta"));
    worker.handle(
        consumed(fallback.topic(), fallback.key(), fallback.value(), fallback.headers()), 1);

    ProducerRecord<String, byte[]> result = only(topics.results());
    assertThat(AvroSerde.of(CompletionResult.class).decode(result.value()).getStatus())
        .isEqualTo(ResultStatus.SUCCEEDED);
    List<SpanData> spans = exported.getFinishedSpanItems();
    assertThat(spans).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(TRACE_ID));

    SpanData route = one(spans, "promptyard.route");
    assertThat(route.getParentSpanId()).isEqualTo(PRODUCER_SPAN);
    assertThat(route.getAttributes().get(JobTracing.PROVIDER)).isEqualTo("alpha");
    assertThat(route.getAttributes().get(JobTracing.FALLBACKS)).isEqualTo(1L);

    List<SpanData> jobs = spans.stream().filter(s -> s.getName().equals("promptyard.job")).toList();
    assertThat(jobs).hasSize(2);
    SpanData first = jobs.get(0);
    assertThat(first.getParentSpanId()).isEqualTo(route.getSpanId());
    SpanData failed = child(spans, first, "chat a-mini");
    assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(failed.getAttributes().get(JobTracing.GEN_AI_SYSTEM)).isEqualTo("alpha");
    assertThat(failed.getAttributes().get(JobTracing.GEN_AI_REQUEST_MODEL)).isEqualTo("a-mini");
    assertThat(failed.getAttributes().get(JobTracing.ERROR_TYPE)).isEqualTo("OVERLOADED");
    assertThat(
            child(spans, first, "promptyard.fallback").getAttributes().get(JobTracing.FALLBACK_TO))
        .isEqualTo("beta/b-mini");
    SpanData firstPublish = child(spans, first, "promptyard.publish");

    SpanData second = jobs.get(1);
    assertThat(second.getParentSpanId()).isEqualTo(firstPublish.getSpanId());
    SpanData answered = child(spans, second, "chat b-mini");
    assertThat(answered.getAttributes().get(JobTracing.GEN_AI_SYSTEM)).isEqualTo("beta");
    assertThat(answered.getAttributes().get(JobTracing.GEN_AI_REQUEST_MODEL)).isEqualTo("b-mini");
    assertThat(answered.getAttributes().get(JobTracing.GEN_AI_INPUT_TOKENS)).isEqualTo(12L);
    assertThat(answered.getAttributes().get(JobTracing.GEN_AI_OUTPUT_TOKENS)).isEqualTo(7L);
    assertThat(answered.getAttributes().get(JobTracing.GEN_AI_FINISH_REASONS))
        .containsExactly("stop");
    assertThat(answered.getAttributes().get(JobTracing.ATTEMPT)).isEqualTo(2L);
    SpanData published = child(spans, second, "promptyard.publish");
    assertThat(
            new String(
                result.headers().lastHeader("traceparent").value(), StandardCharsets.US_ASCII))
        .isEqualTo("00-" + TRACE_ID + "-" + published.getSpanId() + "-01");
    assertThat(spans)
        .as("no prompt text in any span")
        .allSatisfy(
            s ->
                assertThat(s.getAttributes().asMap().values())
                    .noneMatch(v -> v.toString().contains("Say hello")));
  }

  private static final String CHAT =
      "{\"model\":\"cheap\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}],"
          + "\"metadata\":{\"team\":\"team-a\",\"request_id\":\"r-1\"}}";

  /** Two providers with one cheap model each; alpha's is cheaper, so it is chosen first. */
  private static ModelCatalog catalog(Path dir) throws Exception {
    Path file = dir.resolve("catalog.yaml");
    Files.writeString(
        file,
        """
        pricesReadOn: 2026-11-01
        providers:
          alpha: {type: openai-compatible, baseUrl: "http://127.0.0.1:1/v1", keyRequired: false}
          beta: {type: openai-compatible, baseUrl: "http://127.0.0.1:1/v1", keyRequired: false}
        models:
          - {provider: alpha, id: a-mini, aliases: [cheap], contextWindow: 128000, maxOutputTokens: 16384,
             capabilities: [streaming], prices: {input: 0.10, cachedInput: 0.05, output: 0.40}}
          - {provider: beta, id: b-mini, aliases: [cheap], contextWindow: 128000, maxOutputTokens: 16384,
             capabilities: [streaming], prices: {input: 0.20, cachedInput: 0.10, output: 0.80}}
        """);
    return ModelCatalog.load(file);
  }

  private TopologyTestDriver router(ModelCatalog catalog) {
    RequestLimits limits = RequestLimits.defaults();
    RoutingPolicy policy =
        new RoutingPolicy(
            catalog,
            new RequestValidator(limits),
            RoutingDefaults.standard(),
            Clock.fixed(NOW, ZoneOffset.UTC));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "trace-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    RouterTopology.errorHandling(props, topics, limits);
    return new TopologyTestDriver(
        RouterTopology.build(
            topics, policy, RouterTopology.Options.defaults(topics).withTracing(tracing)),
        props);
  }

  private RecordHandler worker(ModelCatalog catalog) {
    Clock clock = Clock.fixed(NOW.plusSeconds(1), ZoneOffset.UTC);
    JobProcessor processor =
        new JobProcessor(
            catalog,
            name -> new Provider(name),
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
    return new RecordHandler(processor, new OutcomePublisher(producer, topics), 3);
  }

  private ProducerRecord<String, byte[]> only(String topic) {
    List<ProducerRecord<String, byte[]>> on =
        producer.history().stream().filter(r -> r.topic().equals(topic)).toList();
    assertThat(on).as("records on %s", topic).hasSize(1);
    return on.getFirst();
  }

  private static ConsumerRecord<String, byte[]> consumed(
      String topic, String key, byte[] value, Headers headers) {
    return new ConsumerRecord<>(
        topic,
        0,
        0L,
        NOW.toEpochMilli(),
        TimestampType.CREATE_TIME,
        0,
        value.length,
        key,
        value,
        headers,
        java.util.Optional.empty());
  }

  private static SpanData one(List<SpanData> spans, String name) {
    List<SpanData> named = spans.stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(named).as("spans named %s", name).hasSize(1);
    return named.getFirst();
  }

  private static SpanData child(List<SpanData> spans, SpanData parent, String name) {
    return spans.stream()
        .filter(s -> s.getName().equals(name) && s.getParentSpanId().equals(parent.getSpanId()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " under " + parent.getName()));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** alpha is overloaded (retryable); beta answers. */
  private record Provider(String name) implements ChatProvider {
    @Override
    public ChatResponse complete(ChatRequest request) throws ProviderException {
      if (name.equals("alpha")) {
        throw new ProviderException(
            ErrorCode.OVERLOADED, true, 503, "overloaded", RateLimits.UNKNOWN, null);
      }
      return new ChatResponse(
          "hello", List.of(), "stop", new Usage(12, 7, 0, 0), request.model(), RateLimits.UNKNOWN);
    }

    @Override
    public ChatResponse stream(ChatRequest request, Consumer<ChatChunk> onChunk)
        throws ProviderException {
      return complete(request);
    }
  }
}

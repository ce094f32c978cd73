package io.promptyard.worker.source;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.RateLimits;
import io.promptyard.schemas.RoutedRequest;
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
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services' logback configuration with {@code PROMPTYARD_LOG_FORMAT=json}: every line is one
 * JSON object, and a line logged inside a job carries that job's fields and no other job's.
 */
class JobLogLinesTest {

  private static final Logger providerLog = LoggerFactory.getLogger("io.promptyard.test.provider");
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private PrintStream stdout;

  @BeforeEach
  void logJsonToCapturedStandardOutput() throws Exception {
    stdout = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    context.putProperty("PROMPTYARD_LOG_FORMAT", "json");
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(Path.of("..", "deploy", "logback.xml").toFile());
  }

  @AfterEach
  void restoreTestLogging() throws Exception {
    System.setOut(stdout);
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    new ContextInitializer(context).autoConfig();
  }

  @Test
  void eachLineOfAJobCarriesItsFieldsAndNoneOfTheJobBefore() throws Exception {
    RecordHandler handler = handler();
    RecordHeaders traced = new RecordHeaders();
    traced.add("traceparent", ("00-" + TRACE_ID + "-00f067aa0ba902b7-01").getBytes());
    // a newline in a producer's team name must not start a log line of its own
    String forging = "team-a\n{\"level\":\"ERROR\",\"formattedMessage\":\"forged\"}";

    handler.handle(record("req-1", forging, traced), 1);
    handler.handle(record("req-2", "team-b", new RecordHeaders()), 1);
    providerLog.info("between jobs");

    List<JsonNode> lines = lines();
    assertThat(lines).noneMatch(l -> l.path("formattedMessage").asText().equals("forged"));
    JsonNode first = called(lines, "req-1");
    assertThat(first.path("level").asText()).isEqualTo("INFO");
    assertThat(first.path("loggerName").asText()).isEqualTo("io.promptyard.test.provider");
    assertThat(first.path("mdc").path("requestId").asText()).isEqualTo("req-1");
    assertThat(first.path("mdc").path("team").asText())
        .isEqualTo("team-a\\n{\"level\":\"ERROR\",\"formattedMessage\":\"forged\"}");
    assertThat(first.path("mdc").path("provider").asText()).isEqualTo("sim");
    assertThat(first.path("mdc").path("attempt").asText()).isEqualTo("1");
    assertThat(first.path("mdc").path("traceId").asText()).isEqualTo(TRACE_ID);

    JsonNode second = called(lines, "req-2");
    assertThat(second.path("mdc").path("requestId").asText()).isEqualTo("req-2");
    assertThat(second.path("mdc").path("team").asText()).isEqualTo("team-b");
    assertThat(second.path("mdc").has("traceId")).as("the trace id of the job before").isFalse();

    JsonNode after =
        lines.stream()
            .filter(l -> l.path("formattedMessage").asText().equals("between jobs"))
            .findFirst()
            .orElseThrow();
    assertThat(after.path("mdc").size()).as("fields left behind: %s", after).isZero();
  }

  /** Every captured line, each parsed as one JSON object. */
  private List<JsonNode> lines() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
      JsonNode node = json.readTree(line);
      assertThat(node.isObject()).as(line).isTrue();
      lines.add(node);
    }
    return lines;
  }

  private static JsonNode called(List<JsonNode> lines, String requestId) {
    return lines.stream()
        .filter(l -> l.path("formattedMessage").asText().equals("provider called for " + requestId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line of the provider call: " + lines));
  }

  private static ConsumerRecord<String, byte[]> record(
      String id, String team, RecordHeaders headers) {
    byte[] value = AvroSerde.of(RoutedRequest.class).encode(SourceHarness.job(id, team));
    return new ConsumerRecord<>(
        "promptyard.route.sim",
        0,
        0L,
        0L,
        org.apache.kafka.common.record.TimestampType.CREATE_TIME,
        0,
        value.length,
        id,
        value,
        headers,
        java.util.Optional.empty());
  }

  private static RecordHandler handler() {
    // The lines' fields do not depend on the time: a fixed clock, so nothing here reads today's
    // date.
    Clock clock = Clock.fixed(Instant.parse("2026-01-15T10:00:00Z"), ZoneOffset.UTC);
    JobProcessor processor =
        new JobProcessor(
            ModelCatalog.bundled(),
            name -> new LoggingProvider(),
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
            JobTracing.OFF,
            OutputModeration.localOnly());
    OutcomePublisher publisher =
        new OutcomePublisher(
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()),
            new Topics("promptyard."));
    return new RecordHandler(processor, publisher, 3);
  }

  /** A provider that logs one line from inside the job's call, as an adapter does. */
  private static final class LoggingProvider implements ChatProvider {
    @Override
    public String name() {
      return "sim";
    }

    @Override
    public ChatResponse complete(ChatRequest request) {
      providerLog.info("provider called for {}", request.requestId());
      return new ChatResponse(
          "answer", List.of(), "stop", new Usage(10, 5, 0, 0), request.model(), RateLimits.UNKNOWN);
    }

    @Override
    public ChatResponse stream(ChatRequest request, Consumer<ChatChunk> onChunk) {
      return complete(request);
    }
  }
}

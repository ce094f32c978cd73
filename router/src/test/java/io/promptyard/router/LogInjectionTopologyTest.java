package io.promptyard.router;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ResultStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A producer's id, team or model with a line break in it cannot forge a line in the router's log:
 * the router logs each with its control characters escaped.
 */
class LogInjectionTopologyTest {

  /** A JSON string body that decodes to a line break followed by what looks like a log line. */
  private static final String FORGED = "\\nINFO io.promptyard.router.RouterTopology - forged";

  /** Keeps each event with the MDC it was logged under. */
  private final ListAppender<ILoggingEvent> logs =
      new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent event) {
          event.prepareForDeferredProcessing();
          super.append(event);
        }
      };

  private final Logger logger = (Logger) LoggerFactory.getLogger(RouterTopology.class);
  private final RouterDriver router = new RouterDriver(TestCatalog.catalog());

  @BeforeEach
  void captureLogs() {
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    logger.detachAppender(logs);
    router.close();
  }

  @Test
  void aRejectionLogsTheIdTeamAndReasonWithTheirLineBreaksEscaped() {
    router.ask("r-1" + FORGED, "team-a" + FORGED, "no-such-model" + FORGED, "");

    assertThat(router.results.readValue().getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertOneLineNaming("r-1\\nINFO", "team-a\\nINFO", "no-such-model\\nINFO");
  }

  @Test
  void aMalformedRequestLogsItsIdAndReasonWithTheirLineBreaksEscaped() {
    router.ask("r-2" + FORGED, "team-a", "cheap", "\"deadline\":\"soon" + FORGED + "\"");

    CompletionResult result = router.results.readValue();
    assertThat(result.getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertOneLineNaming("rejected request r-2\\nINFO", " from ");
  }

  @Test
  void aRejectionLineCarriesTheRequestsContextEscapedAndTheNextRequestsLineNoneOfIt() {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    RecordHeaders traced = new RecordHeaders();
    traced.add("traceparent", ("00-" + traceId + "-00f067aa0ba902b7-01").getBytes());
    router.jsonIn.pipeInput(
        new TestRecord<>(
            "k".getBytes(StandardCharsets.UTF_8),
            ("{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                    + "\"metadata\":{\"team\":\"team-a"
                    + FORGED
                    + "\",\"request_id\":\"r-3\"}}")
                .getBytes(StandardCharsets.UTF_8),
            traced,
            RouterDriver.NOW));
    router.ask("r-4", "team-b", "no-such-model", "");

    List<Map<String, String>> contexts =
        logs.list.stream()
            .filter(e -> e.getFormattedMessage().startsWith("rejected request"))
            .map(ILoggingEvent::getMDCPropertyMap)
            .toList();
    assertThat(contexts).hasSize(2);
    assertThat(contexts.get(0))
        .containsEntry("requestId", "r-3")
        .containsEntry("team", "team-a\\nINFO io.promptyard.router.RouterTopology - forged")
        .containsEntry("traceId", traceId);
    assertThat(contexts.get(1))
        .containsEntry("requestId", "r-4")
        .containsEntry("team", "team-b")
        .doesNotContainKey("traceId");
  }

  private void assertOneLineNaming(String... escaped) {
    List<String> lines =
        logs.list.stream()
            .map(ILoggingEvent::getFormattedMessage)
            .filter(m -> m.startsWith("rejected request"))
            .toList();
    assertThat(lines).hasSize(1);
    assertThat(lines.getFirst()).doesNotContain("\n", "\r").contains(escaped);
  }
}

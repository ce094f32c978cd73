package io.promptyard.router;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ResultStatus;
import java.util.List;
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

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
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

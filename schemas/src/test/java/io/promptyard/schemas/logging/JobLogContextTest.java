package io.promptyard.schemas.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.Settings;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.MDC;

class JobLogContextTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  @Test
  void aJobsFieldsAreOnTheThreadUntilItIsClosed() {
    try (JobLogContext context =
        JobLogContext.open("r-42", traceparent("00-" + TRACE_ID + "-00f067aa0ba902b7-01"))) {
      context.team("search").provider("openai").attempt(2);
      assertThat(MDC.getCopyOfContextMap())
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  "requestId", "r-42",
                  "team", "search",
                  "provider", "openai",
                  "attempt", "2",
                  "traceId", TRACE_ID));
    }
    assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
  }

  @Test
  void openingDropsWhatAJobBeforeLeftOnTheThread() {
    JobLogContext.open("r-1", traceparent("00-" + TRACE_ID + "-00f067aa0ba902b7-01"))
        .team("a"); // never closed
    try (JobLogContext context = JobLogContext.open("r-2", new RecordHeaders())) {
      assertThat(MDC.getCopyOfContextMap()).containsExactlyEntriesOf(Map.of("requestId", "r-2"));
    }
  }

  @Test
  void producerTextIsEscaped() {
    try (JobLogContext context = JobLogContext.open("r\n1", new RecordHeaders())) {
      context.team("a\u2028b");
      assertThat(MDC.get("requestId")).isEqualTo("r\\n1");
      assertThat(MDC.get("team")).isEqualTo("a\\u2028b");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
        "00-4bf92f3577b34da6a3ce929d0e0e473\n-00f067aa0ba902b7-01",
        "not a traceparent"
      })
  void aMalformedTraceparentGivesNoTraceId(String value) {
    assertThat(JobLogContext.traceId(traceparent(value))).isEmpty();
  }

  @Test
  void theTraceIdOfTheJobsSpanReplacesTheOneFromTheHeaders() {
    String started = "0af7651916cd43dd8448eb211c80319c";
    try (JobLogContext context = JobLogContext.open("r-1", new RecordHeaders())) {
      context.traceId(started);
      assertThat(MDC.get("traceId")).isEqualTo(started);
      context.traceId("0".repeat(32)).traceId("not an id");
      assertThat(MDC.get("traceId")).isEqualTo(started);
    }
  }

  @Test
  void theTraceIdIsTheLastTraceparentHeaders() {
    RecordHeaders headers = traceparent("00-" + "1".repeat(32) + "-00f067aa0ba902b7-01");
    headers.add("traceparent", ("00-" + TRACE_ID + "-00f067aa0ba902b7-01").getBytes());
    assertThat(JobLogContext.traceId(headers)).contains(TRACE_ID);
    assertThat(JobLogContext.traceId(new RecordHeaders())).isEmpty();
  }

  @Test
  void aServiceRefusesALogFormatLogbackWouldNotFind() {
    assertThatThrownBy(
            () -> CommonConfig.from(new Settings(Map.of("PROMPTYARD_LOG_FORMAT", "JSON"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("PROMPTYARD_LOG_FORMAT=JSON is not text or json");
    assertThat(CommonConfig.from(new Settings(Map.of("PROMPTYARD_LOG_FORMAT", "json"))))
        .isNotNull();
  }

  private static RecordHeaders traceparent(String value) {
    RecordHeaders headers = new RecordHeaders();
    headers.add("traceparent", value.getBytes(StandardCharsets.UTF_8));
    return headers;
  }
}

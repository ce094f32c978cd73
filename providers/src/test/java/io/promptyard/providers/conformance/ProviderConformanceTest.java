package io.promptyard.providers.conformance;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.providers.ProviderException;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.ResponseFormat;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.ToolDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * The scenarios every adapter must pass, each against its provider's documented wire format: the
 * same request and the same expected mapping for all, so that no provider quirk reaches
 * Promptyard's users.
 */
class ProviderConformanceTest {

  /** Every adapter's fixture; an adapter is done when its fixture passes here. */
  static Stream<ProviderFixture> fixtures() {
    return Stream.of(
        new OpenAiFixture(),
        new GeminiFixture(),
        new CohereFixture(),
        new AnthropicFixture(),
        new AzureOpenAiFixture(),
        new OpenAiCompatibleServerFixture(),
        new BedrockFixture());
  }

  static Stream<Arguments> errorCases() {
    List<Arguments> cases = new ArrayList<>();
    fixtures()
        .forEach(
            f -> {
              for (ErrorScenario s : ErrorScenario.values()) {
                if (f.error(s).isPresent()) {
                  cases.add(Arguments.of(f, s));
                }
              }
            });
    return cases.stream();
  }

  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpTimeouts TIMEOUTS =
      new HttpTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60));

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeEach
  void captureLogs() {
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
  }

  @AfterEach
  void noKeyInAnyLogLine() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    assertThat(logs.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .noneMatch(m -> m.contains(ProviderFixture.API_KEY));
    assertThat(logs.list)
        .noneMatch(
            e ->
                e.getThrowableProxy() != null
                    && String.valueOf(e.getThrowableProxy().getMessage())
                        .contains(ProviderFixture.API_KEY));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void plainAnswerIsMappedWithTextFinishReasonAndUsage(ProviderFixture f) throws Exception {
    wm.stubFor(f.blockingCall().willReturn(f.plainAnswer()));

    ChatResponse response = provider(f).complete(ask(f, null));

    assertThat(response.text()).isEqualTo(ProviderFixture.ANSWER);
    assertThat(response.finishReason()).isEqualTo("stop");
    assertThat(response.toolCalls()).isEmpty();
    assertThat(response.usage()).isEqualTo(f.plainAnswerUsage());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void toolCallIsMappedWithNameArgumentsAndFinishReason(ProviderFixture f) throws Exception {
    wm.stubFor(f.blockingCall().willReturn(f.toolCallAnswer()));
    ToolDefinition weather =
        new ToolDefinition(
            "get_weather",
            "Current weather for a city",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");
    Parameters p =
        Parameters.newBuilder().setTools(List.of(weather)).setToolChoice("required").build();

    ChatResponse response = provider(f).complete(ask(f, p));

    assertThat(response.finishReason()).isEqualTo("tool_calls");
    assertThat(response.toolCalls())
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.getName()).isEqualTo("get_weather");
              assertThat(call.getId()).isNotBlank();
              assertThat(JSON.readTree(call.getArguments()))
                  .isEqualTo(JSON.readTree("{\"city\":\"Oslo\"}"));
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void structuredAnswerIsTheJsonText(ProviderFixture f) throws Exception {
    wm.stubFor(f.blockingCall().willReturn(f.structuredAnswer()));
    ResponseFormat format =
        ResponseFormat.newBuilder()
            .setType("json_schema")
            .setSchemaName("place")
            .setStrict(true)
            .setSchemaJson(
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"country\":{\"type\":\"string\"}},"
                    + "\"required\":[\"city\",\"country\"],\"additionalProperties\":false}")
            .build();

    ChatResponse response =
        provider(f).complete(ask(f, Parameters.newBuilder().setResponseFormat(format).build()));

    assertThat(JSON.readTree(response.text()))
        .isEqualTo(JSON.readTree(ProviderFixture.JSON_ANSWER));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void streamedDeltasConcatenateToTheAnswerAndUsageIsRead(ProviderFixture f) throws Exception {
    wm.stubFor(f.streamingCall().willReturn(f.streamedAnswer()));
    List<ChatChunk> chunks = new ArrayList<>();

    ChatResponse response = provider(f).stream(ask(f, null), chunks::add);

    assertThat(chunks).filteredOn(c -> !c.textDelta().isEmpty()).hasSizeGreaterThanOrEqualTo(3);
    assertThat(String.join("", chunks.stream().map(ChatChunk::textDelta).toList()))
        .isEqualTo(ProviderFixture.ANSWER);
    assertThat(chunks).extracting(ChatChunk::index).isSorted().doesNotHaveDuplicates();
    assertThat(response.text()).isEqualTo(ProviderFixture.ANSWER);
    assertThat(response.finishReason()).isEqualTo("stop");
    assertThat(response.usage()).isEqualTo(f.streamedAnswerUsage());
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("errorCases")
  void documentedErrorIsClassifiedOnceWithoutTheKey(ProviderFixture f, ErrorScenario scenario) {
    wm.stubFor(f.blockingCall().willReturn(f.error(scenario).orElseThrow()));

    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> provider(f).complete(ask(f, null)));

    assertThat(e).as("%s on %s", scenario, f.name()).isNotNull();
    assertThat(e.code()).as("code").isEqualTo(scenario.code());
    assertThat(e.retryable()).as("retryable").isEqualTo(scenario.retryable());
    assertThat(e.providerStatus()).as("provider status").isNotNull();
    assertThat(e.getMessage()).doesNotContain(ProviderFixture.API_KEY).contains("req-conformance");
    if (scenario == ErrorScenario.RATE_LIMITED && f.documentsRetryAfter()) {
      assertThat(e.retryAfter()).as("Retry-After").isNotNull().isPositive();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void truncatedStreamIsARetryableError(ProviderFixture f) {
    wm.stubFor(f.streamingCall().willReturn(f.truncatedStream()));

    ProviderException e =
        catchThrowableOfType(
            ProviderException.class, () -> provider(f).stream(ask(f, null), c -> {}));

    assertThat(e).isNotNull();
    assertThat(e.code()).isIn(ErrorCode.MALFORMED_RESPONSE, ErrorCode.CONNECTION);
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).doesNotContain(ProviderFixture.API_KEY);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void malformedBodyIsARetryableMalformedResponse(ProviderFixture f) {
    wm.stubFor(
        f.blockingCall()
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"this is\": not json")));

    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> provider(f).complete(ask(f, null)));

    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    assertThat(e.retryable()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void slowFirstByteIsARetryableTimeout(ProviderFixture f) {
    wm.stubFor(f.blockingCall().willReturn(f.plainAnswer().withFixedDelay(1_500)));
    HttpTimeouts impatient =
        new HttpTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(10));

    ProviderException e =
        catchThrowableOfType(
            ProviderException.class,
            () -> f.provider(wm.baseUrl(), impatient).complete(ask(f, null)));

    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(e.retryable()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void connectionResetIsARetryableConnectionError(ProviderFixture f) {
    wm.stubFor(f.blockingCall().willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> provider(f).complete(ask(f, null)));

    assertThat(e).isNotNull();
    assertThat(e.code()).isIn(ErrorCode.CONNECTION, ErrorCode.MALFORMED_RESPONSE);
    assertThat(e.retryable()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void anAnswerLargerThanMaxResponseBytesFailsWithoutARetry(ProviderFixture f) {
    wm.stubFor(f.blockingCall().willReturn(f.plainAnswer()));

    ProviderException e =
        catchThrowableOfType(
            ProviderException.class,
            () -> f.provider(wm.baseUrl(), TIMEOUTS, 64).complete(ask(f, null)));

    assertTooLarge(e);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void aStreamLargerThanMaxResponseBytesFailsWithoutARetry(ProviderFixture f) {
    wm.stubFor(f.streamingCall().willReturn(f.streamedAnswer()));

    ProviderException e =
        catchThrowableOfType(
            ProviderException.class,
            () -> f.provider(wm.baseUrl(), TIMEOUTS, 64).stream(ask(f, null), c -> {}));

    assertTooLarge(e);
  }

  private static void assertTooLarge(ProviderException e) {
    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage())
        .contains("req-conformance")
        .contains("larger than 64 bytes")
        .contains("maxResponseBytes")
        .doesNotContain(ProviderFixture.API_KEY);
  }

  private static ChatProvider provider(ProviderFixture f) {
    return f.provider(wm.baseUrl(), TIMEOUTS);
  }

  static ChatRequest ask(ProviderFixture f, Parameters parameters) {
    List<Message> messages =
        List.of(
            Message.newBuilder().setRole(Role.SYSTEM).setText("Answer in one sentence.").build(),
            Message.newBuilder()
                .setRole(Role.USER)
                .setText("What is the capital of France?")
                .build());
    return new ChatRequest("req-conformance", f.model(), messages, parameters);
  }
}

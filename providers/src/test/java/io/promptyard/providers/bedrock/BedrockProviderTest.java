package io.promptyard.providers.bedrock;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.conformance.BedrockFixture;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.ResponseFormat;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.ToolCall;
import io.promptyard.schemas.ToolDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bedrock-specific behaviour: the request body the SDK sends, stream quirks, and error types beyond
 * the suite's.
 */
class BedrockProviderTest {

  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpTimeouts TIMEOUTS =
      new HttpTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60));
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private static final Map<String, String> ENV =
      Map.of("AWS_ACCESS_KEY_ID", BedrockFixture.ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY", SECRET);
  private static final BedrockFixture FIXTURE = new BedrockFixture();
  private static final ToolDefinition WEATHER =
      new ToolDefinition(
          "get_weather",
          "Current weather for a city",
          "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");

  private final BedrockProvider provider = BedrockFixture.provider(wm.baseUrl(), TIMEOUTS, ENV);

  @AfterEach
  void close() {
    provider.close();
  }

  @Test
  void systemAndDeveloperMessagesBecomeSystemBlocksAndToolResultsJoinTheUserTurn()
      throws Exception {
    wm.stubFor(FIXTURE.blockingCall().willReturn(FIXTURE.plainAnswer()));
    List<Message> messages =
        List.of(
            msg(Role.SYSTEM, "Be brief."),
            msg(Role.DEVELOPER, "Use metric units."),
            msg(Role.USER, "Weather in Oslo and Bergen?"),
            Message.newBuilder()
                .setRole(Role.ASSISTANT)
                .setText("Checking.")
                .setToolCalls(
                    List.of(
                        new ToolCall("tooluse_1", "get_weather", "{\"city\":\"Oslo\"}"),
                        new ToolCall("tooluse_2", "get_weather", "{\"city\":\"Bergen\"}")))
                .build(),
            Message.newBuilder()
                .setRole(Role.TOOL)
                .setToolCallId("tooluse_1")
                .setText("4 °C")
                .build(),
            Message.newBuilder()
                .setRole(Role.TOOL)
                .setToolCallId("tooluse_2")
                .setText("7 °C")
                .build(),
            msg(Role.USER, "Which is warmer?"));

    provider.complete(
        new ChatRequest(
            "req-map",
            BedrockFixture.MODEL,
            messages,
            Parameters.newBuilder().setTools(List.of(WEATHER)).build()));

    JsonNode body = sentBody();
    assertThat(body.path("system"))
        .isEqualTo(JSON.readTree("[{\"text\":\"Be brief.\"},{\"text\":\"Use metric units.\"}]"));
    assertThat(body.path("messages"))
        .isEqualTo(
            JSON.readTree(
                """
        [{"role":"user","content":[{"text":"Weather in Oslo and Bergen?"}]},
         {"role":"assistant","content":[{"text":"Checking."},
           {"toolUse":{"toolUseId":"tooluse_1","name":"get_weather","input":{"city":"Oslo"}}},
           {"toolUse":{"toolUseId":"tooluse_2","name":"get_weather","input":{"city":"Bergen"}}}]},
         {"role":"user","content":[
           {"toolResult":{"toolUseId":"tooluse_1","content":[{"text":"4 °C"}]}},
           {"toolResult":{"toolUseId":"tooluse_2","content":[{"text":"7 °C"}]}},
           {"text":"Which is warmer?"}]}]"""));
  }

  @Test
  void samplingParametersGoToInferenceConfigAndSeedIsIgnored() throws Exception {
    wm.stubFor(FIXTURE.blockingCall().willReturn(FIXTURE.plainAnswer()));
    Parameters p =
        Parameters.newBuilder()
            .setTemperature(0.25)
            .setTopP(0.5)
            .setMaxTokens(300)
            .setStop(List.of("END"))
            .setSeed(42L)
            .build();

    provider.complete(ask(p));

    JsonNode body = sentBody();
    assertThat(body.path("inferenceConfig"))
        .isEqualTo(
            JSON.readTree(
                "{\"maxTokens\":300,\"temperature\":0.25,\"topP\":0.5,\"stopSequences\":[\"END\"]}"));
    assertThat(body.toString()).doesNotContain("seed").doesNotContain("42");
  }

  @ParameterizedTest
  @CsvSource({
    "required, {\"any\":{}}",
    "auto, {\"auto\":{}}",
    "get_weather, {\"tool\":{\"name\":\"get_weather\"}}"
  })
  void toolsAndToolChoiceMapToToolConfig(String choice, String expected) throws Exception {
    wm.stubFor(FIXTURE.blockingCall().willReturn(FIXTURE.toolCallAnswer()));

    provider.complete(
        ask(Parameters.newBuilder().setTools(List.of(WEATHER)).setToolChoice(choice).build()));

    JsonNode config = sentBody().path("toolConfig");
    assertThat(config.path("tools"))
        .isEqualTo(
            JSON.readTree(
                """
        [{"toolSpec":{"name":"get_weather","description":"Current weather for a city",
          "inputSchema":{"json":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}}]"""));
    assertThat(config.path("toolChoice")).isEqualTo(JSON.readTree(expected));
  }

  @Test
  void jsonSchemaIsAskedForWithAForcedToolNamedAfterTheSchema() throws Exception {
    wm.stubFor(FIXTURE.blockingCall().willReturn(FIXTURE.structuredAnswer()));
    String schema =
        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}";
    ResponseFormat format =
        ResponseFormat.newBuilder()
            .setType("json_schema")
            .setSchemaName("place")
            .setSchemaJson(schema)
            .build();

    ChatResponse response =
        provider.complete(ask(Parameters.newBuilder().setResponseFormat(format).build()));

    JsonNode config = sentBody().path("toolConfig");
    assertThat(config.path("tools").get(0).path("toolSpec").path("name").asText())
        .isEqualTo("place");
    assertThat(config.path("tools").get(0).path("toolSpec").path("inputSchema").path("json"))
        .isEqualTo(JSON.readTree(schema));
    assertThat(config.path("toolChoice"))
        .isEqualTo(JSON.readTree("{\"tool\":{\"name\":\"place\"}}"));
    assertThat(response.finishReason()).isEqualTo("stop");
    assertThat(response.toolCalls()).isEmpty();
  }

  @Test
  void dataUrlImageIsSentAsBytesWithItsFormat() throws Exception {
    wm.stubFor(FIXTURE.blockingCall().willReturn(FIXTURE.plainAnswer()));
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
    String url = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    Message user =
        Message.newBuilder()
            .setRole(Role.USER)
            .setParts(
                List.of(
                    ContentPart.newBuilder().setType("text").setText("What is this?").build(),
                    ContentPart.newBuilder().setType("image_url").setImageUrl(url).build()))
            .build();

    provider.complete(new ChatRequest("req-image", BedrockFixture.MODEL, List.of(user), null));

    JsonNode image = sentBody().path("messages").get(0).path("content").get(1).path("image");
    assertThat(image.path("format").asText()).isEqualTo("png");
    assertThat(Base64.getDecoder().decode(image.path("source").path("bytes").asText()))
        .isEqualTo(png);
  }

  @Test
  void imageByHttpsUrlIsRejectedBeforeAnyCall() {
    Message user =
        Message.newBuilder()
            .setRole(Role.USER)
            .setParts(
                List.of(
                    ContentPart.newBuilder()
                        .setType("image_url")
                        .setImageUrl("https://example.com/cat.png")
                        .build()))
            .build();

    ProviderException e =
        catchThrowableOfType(
            ProviderException.class,
            () ->
                provider.complete(
                    new ChatRequest("req-url", BedrockFixture.MODEL, List.of(user), null)));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("req-url").contains("data:image");
    assertThat(wm.getAllServeEvents()).isEmpty();
  }

  @Test
  void sessionTokenIsSignedAndSentAsSecurityToken() throws Exception {
    wm.stubFor(FIXTURE.blockingCall().willReturn(FIXTURE.plainAnswer()));
    try (BedrockProvider temporary =
        BedrockFixture.provider(
            wm.baseUrl(),
            TIMEOUTS,
            Map.of(
                "AWS_ACCESS_KEY_ID",
                BedrockFixture.ACCESS_KEY_ID,
                "AWS_SECRET_ACCESS_KEY",
                SECRET,
                "AWS_SESSION_TOKEN",
                "FwoGZXIvYXdzEXAMPLE"))) {
      temporary.complete(ask(null));
    }

    LoggedRequest sent =
        wm.findAll(postRequestedFor(urlPathMatching("/model/.*/converse"))).getFirst();
    assertThat(sent.getHeader("X-Amz-Security-Token")).isEqualTo("FwoGZXIvYXdzEXAMPLE");
    assertThat(sent.getHeader("Authorization")).contains("x-amz-security-token");
  }

  @Test
  void theSdkDoesNotRetryBecauseTheWorkerOwnsRetries() {
    wm.stubFor(
        FIXTURE
            .blockingCall()
            .willReturn(BedrockFixture.error(500, "InternalServerException", "boom")));

    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> provider.complete(ask(null)));

    assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_ERROR);
    wm.verify(1, postRequestedFor(urlPathMatching("/model/.*/converse")));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      429 | ModelNotReadyException        | The model is not ready to serve inference requests.            | OVERLOADED       | true
      400 | ServiceQuotaExceededException | Your request exceeds the service quota for your account.       | RATE_LIMITED     | true
      408 | ModelTimeoutException         | The request took too long to process.                          | TIMEOUT          | true
      424 | ModelErrorException           | The request failed due to an error while processing the model. | PROVIDER_ERROR   | true
      403 | ExpiredTokenException         | The security token included in the request is expired          | AUTHENTICATION   | false
      403 | InvalidSignatureException     | The request signature we calculated does not match.            | AUTHENTICATION   | false
      400 | ValidationException           | prompt is too long: 210000 tokens > 200000 maximum             | CONTEXT_TOO_LONG | false
      400 | ValidationException           | Malformed input request, please reformat your input and try again. | INVALID_REQUEST | false
      400 | ValidationException           | The provided model identifier is invalid.                      | MODEL_NOT_FOUND  | false
      """)
  void errorTypesBeyondTheSuiteAreClassifiedByTheirAwsType(
      int status, String type, String message, ErrorCode code, boolean retryable) {
    wm.stubFor(FIXTURE.blockingCall().willReturn(BedrockFixture.error(status, type, message)));

    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> provider.complete(ask(null)));

    assertThat(e.code()).isEqualTo(code);
    assertThat(e.retryable()).isEqualTo(retryable);
    assertThat(e.providerStatus()).isEqualTo(status);
    assertThat(e.getMessage()).contains("req-bedrock").contains(type).doesNotContain(SECRET);
  }

  @Test
  void throttlingWithoutRetryAfterAsBedrockSendsItGivesNoRetryAfter() {
    wm.stubFor(
        FIXTURE
            .blockingCall()
            .willReturn(
                BedrockFixture.error(
                    429,
                    "ThrottlingException",
                    "Too many tokens, please wait before trying again.")));

    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> provider.complete(ask(null)));

    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(e.retryable()).isTrue();
    assertThat(e.retryAfter()).isNull();
  }

  @ParameterizedTest
  @CsvSource({
    "max_tokens, length",
    "stop_sequence, stop",
    "guardrail_intervened, content_filter",
    "content_filtered, content_filter"
  })
  void stopReasonsAreNormalisedToOpenAiWords(String stopReason, String finishReason)
      throws Exception {
    wm.stubFor(
        FIXTURE
            .blockingCall()
            .willReturn(
                BedrockFixture.json(
                    200,
                    """
        {"output":{"message":{"role":"assistant","content":[{"text":"Partial"}]}},"stopReason":"%s",
         "usage":{"inputTokens":5,"outputTokens":3,"totalTokens":8}}"""
                        .formatted(stopReason))));

    assertThat(provider.complete(ask(null)).finishReason()).isEqualTo(finishReason);
  }

  @Test
  void cacheWritesCountAsInputAndCacheReadsAsCachedInput() throws Exception {
    wm.stubFor(
        FIXTURE
            .blockingCall()
            .willReturn(
                BedrockFixture.json(
                    200,
                    """
        {"output":{"message":{"role":"assistant","content":[{"text":"ok"}]}},"stopReason":"end_turn",
         "usage":{"inputTokens":10,"outputTokens":2,"totalTokens":1512,"cacheReadInputTokens":500,"cacheWriteInputTokens":1000}}""")));

    ChatResponse response = provider.complete(ask(null));

    assertThat(response.usage().inputTokens()).isEqualTo(1510);
    assertThat(response.usage().cachedInputTokens()).isEqualTo(500);
    assertThat(response.usage().totalTokens()).isEqualTo(1512);
  }

  @Test
  void streamedToolCallIsAssembledFromItsInputDeltas() throws Exception {
    wm.stubFor(
        FIXTURE
            .streamingCall()
            .willReturn(
                BedrockFixture.eventStream(
                    BedrockFixture.event("messageStart", "{\"role\":\"assistant\"}"),
                    BedrockFixture.event(
                        "contentBlockStart",
                        "{\"contentBlockIndex\":0,\"start\":{\"toolUse\":{\"toolUseId\":\"tooluse_9\",\"name\":\"get_weather\"}}}"),
                    BedrockFixture.event(
                        "contentBlockDelta",
                        "{\"contentBlockIndex\":0,\"delta\":{\"toolUse\":{\"input\":\"{\\\"city\\\":\"}}}"),
                    BedrockFixture.event(
                        "contentBlockDelta",
                        "{\"contentBlockIndex\":0,\"delta\":{\"toolUse\":{\"input\":\"\\\"Oslo\\\"}\"}}}"),
                    BedrockFixture.event("contentBlockStop", "{\"contentBlockIndex\":0}"),
                    BedrockFixture.event("messageStop", "{\"stopReason\":\"tool_use\"}"),
                    BedrockFixture.event(
                        "metadata",
                        "{\"usage\":{\"inputTokens\":60,\"outputTokens\":15,\"totalTokens\":75},\"metrics\":{\"latencyMs\":5}}"))));
    List<ChatChunk> chunks = new ArrayList<>();

    ChatResponse response =
        provider.stream(
            ask(Parameters.newBuilder().setTools(List.of(WEATHER)).build()), chunks::add);

    assertThat(response.finishReason()).isEqualTo("tool_calls");
    assertThat(response.toolCalls())
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.getId()).isEqualTo("tooluse_9");
              assertThat(JSON.readTree(call.getArguments()))
                  .isEqualTo(JSON.readTree("{\"city\":\"Oslo\"}"));
            });
    assertThat(chunks).last().extracting(ChatChunk::finishReason).isEqualTo("tool_calls");
  }

  @Test
  void streamedStructuredAnswerStreamsTheForcedToolInputAsText() throws Exception {
    wm.stubFor(
        FIXTURE
            .streamingCall()
            .willReturn(
                BedrockFixture.eventStream(
                    BedrockFixture.event("messageStart", "{\"role\":\"assistant\"}"),
                    BedrockFixture.event(
                        "contentBlockStart",
                        "{\"contentBlockIndex\":0,\"start\":{\"toolUse\":{\"toolUseId\":\"tooluse_5\",\"name\":\"json_answer\"}}}"),
                    BedrockFixture.event(
                        "contentBlockDelta",
                        "{\"contentBlockIndex\":0,\"delta\":{\"toolUse\":{\"input\":\"{\\\"ok\\\":\"}}}"),
                    BedrockFixture.event(
                        "contentBlockDelta",
                        "{\"contentBlockIndex\":0,\"delta\":{\"toolUse\":{\"input\":\"true}\"}}}"),
                    BedrockFixture.event("contentBlockStop", "{\"contentBlockIndex\":0}"),
                    BedrockFixture.event("messageStop", "{\"stopReason\":\"tool_use\"}"))));
    List<ChatChunk> chunks = new ArrayList<>();
    ResponseFormat json = ResponseFormat.newBuilder().setType("json_object").build();

    ChatResponse response =
        provider.stream(ask(Parameters.newBuilder().setResponseFormat(json).build()), chunks::add);

    assertThat(String.join("", chunks.stream().map(ChatChunk::textDelta).toList()))
        .isEqualTo("{\"ok\":true}");
    assertThat(response.text()).isEqualTo("{\"ok\":true}");
    assertThat(response.finishReason()).isEqualTo("stop");
    assertThat(response.toolCalls()).isEmpty();
  }

  @Test
  void exceptionEventInsideTheStreamIsClassifiedByItsType() {
    wm.stubFor(
        FIXTURE
            .streamingCall()
            .willReturn(
                BedrockFixture.eventStream(
                    BedrockFixture.event("messageStart", "{\"role\":\"assistant\"}"),
                    BedrockFixture.event(
                        "contentBlockDelta",
                        "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"The\"}}"),
                    BedrockFixture.exception(
                        "throttlingException",
                        "Too many tokens, please wait before trying again."))));
    List<ChatChunk> chunks = new ArrayList<>();

    ProviderException e =
        catchThrowableOfType(
            ProviderException.class, () -> provider.stream(ask(null), chunks::add));

    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("req-bedrock").contains("Too many tokens");
    assertThat(chunks).extracting(ChatChunk::textDelta).containsExactly("The");
  }

  @Test
  void streamFailureBeforeTheAnswerIsClassifiedLikeABlockingOne() {
    wm.stubFor(
        FIXTURE
            .streamingCall()
            .willReturn(
                BedrockFixture.error(
                    403,
                    "AccessDeniedException",
                    "You don't have access to the model with the specified model ID.")));

    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> provider.stream(ask(null), c -> {}));

    assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(e.providerStatus()).isEqualTo(403);
    assertThat(e.retryable()).isFalse();
  }

  @Test
  void toolChoiceNoneInAConversationWithToolCallsIsRejectedBeforeAnyCall() {
    List<Message> messages =
        List.of(
            msg(Role.USER, "Weather?"),
            Message.newBuilder()
                .setRole(Role.ASSISTANT)
                .setToolCalls(List.of(new ToolCall("t1", "get_weather", "{}")))
                .build(),
            Message.newBuilder().setRole(Role.TOOL).setToolCallId("t1").setText("4 °C").build());

    ProviderException e =
        catchThrowableOfType(
            ProviderException.class,
            () ->
                provider.complete(
                    new ChatRequest(
                        "req-none",
                        BedrockFixture.MODEL,
                        messages,
                        Parameters.newBuilder()
                            .setTools(List.of(WEATHER))
                            .setToolChoice("none")
                            .build())));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.getMessage()).contains("tool_choice none");
    assertThat(wm.getAllServeEvents()).isEmpty();
  }

  @Test
  void streamEndingWithoutMessageStopIsARetryableMalformedResponse() {
    wm.stubFor(FIXTURE.streamingCall().willReturn(FIXTURE.truncatedStream()));

    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> provider.stream(ask(null), c -> {}));

    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("req-bedrock").contains("messageStop");
  }

  @Test
  void unreadableAnswerIsAMalformedResponseNotAConnectionError() {
    wm.stubFor(
        FIXTURE.blockingCall().willReturn(BedrockFixture.json(200, "{\"this is\": not json")));

    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> provider.complete(ask(null)));

    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void connectionResetIsAConnectionError() {
    wm.stubFor(
        FIXTURE
            .blockingCall()
            .willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                    .withFault(
                        com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)));

    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> provider.complete(ask(null)));

    assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION);
    assertThat(e.retryable()).isTrue();
    assertThat(e.providerStatus()).isNull();
  }

  @Test
  void slowStreamEventIsATimeoutAfterTheFirstByteTimeout() {
    wm.stubFor(FIXTURE.streamingCall().willReturn(FIXTURE.streamedAnswer().withFixedDelay(1_500)));
    HttpTimeouts impatient =
        new HttpTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(10));

    try (BedrockProvider p = BedrockFixture.provider(wm.baseUrl(), impatient, ENV)) {
      ProviderException e =
          catchThrowableOfType(ProviderException.class, () -> p.stream(ask(null), c -> {}));

      assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
      assertThat(e.retryable()).isTrue();
    }
  }

  @Test
  void totalTimeoutEndsAStreamThatKeepsTrickling() {
    wm.stubFor(
        FIXTURE
            .streamingCall()
            .willReturn(FIXTURE.streamedAnswer().withChunkedDribbleDelay(8, 2_000)));
    HttpTimeouts shortTotal =
        new HttpTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMillis(800));

    try (BedrockProvider p = BedrockFixture.provider(wm.baseUrl(), shortTotal, ENV)) {
      ProviderException e =
          catchThrowableOfType(ProviderException.class, () -> p.stream(ask(null), c -> {}));

      // The stream would end well after 2 s; the total timeout of 800 ms ends it, which the
      // message names (no elapsed-time bound: a loaded machine may take longer to get there).
      assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
      assertThat(e.getMessage()).contains("total timeout");
    }
  }

  @Test
  void anExceptionFromTheChunkConsumerIsNotMistakenForAProviderFailure() {
    wm.stubFor(FIXTURE.streamingCall().willReturn(FIXTURE.streamedAnswer()));
    IllegalStateException downstream = new IllegalStateException("chunk topic unavailable");

    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                provider.stream(
                    ask(null),
                    c -> {
                      throw downstream;
                    }));

    assertThat(thrown).isSameAs(downstream);
  }

  private static ChatRequest ask(Parameters p) {
    return new ChatRequest(
        "req-bedrock",
        BedrockFixture.MODEL,
        List.of(msg(Role.USER, "What is the capital of France?")),
        p);
  }

  private static Message msg(Role role, String text) {
    return Message.newBuilder().setRole(role).setText(text).build();
  }

  private static JsonNode sentBody() throws Exception {
    List<LoggedRequest> sent = wm.findAll(postRequestedFor(urlPathMatching("/model/.*")));
    assertThat(sent).hasSize(1);
    assertThat(sent.getFirst().getHeader("Content-Type")).startsWith("application/json");
    return JSON.readTree(sent.getFirst().getBodyAsString());
  }
}

package io.promptyard.providers.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.providers.ProviderException;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.ResponseFormat;
import io.promptyard.schemas.Role;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How Anthropic's answers, streams and errors come back as Promptyard's terms; quirks the
 * conformance suite does not cover.
 */
class AnthropicResponseTest {

  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY_A = "sk-ant-api03-first-0123456789";
  private static final String KEY_B = "sk-ant-api03-second-0123456789";

  private static AnthropicProvider provider(String... keys) {
    ProviderSpec spec =
        new ProviderSpec(
            "anthropic", "anthropic", wm.baseUrl(), List.of("ANTHROPIC_API_KEY"), null, true);
    return new AnthropicProvider(
        spec,
        ApiKeyPool.of("anthropic", List.of(keys.length == 0 ? new String[] {KEY_A} : keys)),
        HttpTimeouts.DEFAULTS);
  }

  private static ChatRequest ask(Parameters p) {
    return new ChatRequest(
        "req-resp",
        "claude-haiku-4-5",
        List.of(Message.newBuilder().setRole(Role.USER).setText("hi").build()),
        p);
  }

  private static void answer(ResponseDefinitionBuilder response) {
    wm.stubFor(post(urlEqualTo("/v1/messages")).willReturn(response));
  }

  private static ResponseDefinitionBuilder message(String content, String stopReason) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody(
            """
        {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-haiku-4-5-20251001",
         "content": %s, "stop_reason": "%s", "stop_sequence": null,
         "usage": {"input_tokens": 5, "output_tokens": 3}}"""
                .formatted(content, stopReason));
  }

  private static ResponseDefinitionBuilder stream(String... events) {
    StringBuilder b = new StringBuilder();
    for (String data : events) {
      b.append("event: ")
          .append(type(data))
          .append('\n')
          .append("data: ")
          .append(data)
          .append("\n\n");
    }
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "text/event-stream")
        .withBody(b.toString());
  }

  private static String type(String data) {
    try {
      return JSON.readTree(data).path("type").asText();
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static final String START =
      """
      {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-haiku-4-5-20251001","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":100,"cache_creation_input_tokens":0,"cache_read_input_tokens":50,"output_tokens":1}}}""";

  @Test
  void refusalIsContentFilterAndMaxTokensIsLength() throws Exception {
    answer(message("[{\"type\":\"text\",\"text\":\"I can't help with that.\"}]", "refusal"));
    assertThat(provider().complete(ask(null)).finishReason()).isEqualTo("content_filter");

    answer(message("[{\"type\":\"text\",\"text\":\"The answer is\"}]", "max_tokens"));
    ChatResponse cut = provider().complete(ask(null));
    assertThat(cut.finishReason()).isEqualTo("length");
    assertThat(cut.text()).isEqualTo("The answer is");
    assertThat(cut.providerModel()).isEqualTo("claude-haiku-4-5-20251001");
  }

  @Test
  void textBeforeAToolCallIsKeptAndTheCallArgumentsAreJsonText() throws Exception {
    answer(
        message(
            """
        [{"type": "thinking", "thinking": "Need the weather.", "signature": "abc"},
         {"type": "text", "text": "Let me check."},
         {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Oslo", "days": 2}}]""",
            "tool_use"));

    ChatResponse response = provider().complete(ask(null));

    assertThat(response.text()).isEqualTo("Let me check.");
    assertThat(response.finishReason()).isEqualTo("tool_calls");
    assertThat(response.toolCalls())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getId()).isEqualTo("toolu_1");
              assertThat(JSON.readTree(c.getArguments()))
                  .isEqualTo(JSON.readTree("{\"city\":\"Oslo\",\"days\":2}"));
            });
  }

  @Test
  void streamedToolCallIsAssembledFromInputJsonDeltas() throws Exception {
    answer(
        stream(
            START,
            "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Let me check.\"}}",
            "{\"type\":\"content_block_stop\",\"index\":0}",
            "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_9\",\"name\":\"get_weather\",\"input\":{}}}",
            "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}",
            "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \\\"Os\"}}",
            "{\"type\":\"ping\"}",
            "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"lo\\\"}\"}}",
            "{\"type\":\"content_block_stop\",\"index\":1}",
            "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":40}}",
            "{\"type\":\"message_stop\"}"));
    List<ChatChunk> chunks = new ArrayList<>();

    ChatResponse response = provider().stream(ask(null), chunks::add);

    assertThat(response.text()).isEqualTo("Let me check.");
    assertThat(response.finishReason()).isEqualTo("tool_calls");
    assertThat(response.toolCalls())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getId()).isEqualTo("toolu_9");
              assertThat(c.getName()).isEqualTo("get_weather");
              assertThat(JSON.readTree(c.getArguments()))
                  .isEqualTo(JSON.readTree("{\"city\":\"Oslo\"}"));
            });
    assertThat(response.usage()).isEqualTo(new Usage(150, 40, 50, 0));
    assertThat(chunks.get(chunks.size() - 1).finishReason()).isEqualTo("tool_calls");
  }

  @Test
  void streamedStructuredAnswerArrivesAsTextDeltasThatConcatenateToTheJson() throws Exception {
    answer(
        stream(
            START,
            "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_2\",\"name\":\"place\",\"input\":{}}}",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \\\"Lisbon\\\"\"}}",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\", \\\"country\\\": \\\"Portugal\\\"}\"}}",
            "{\"type\":\"content_block_stop\",\"index\":0}",
            "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":20}}",
            "{\"type\":\"message_stop\"}"));
    ResponseFormat format =
        ResponseFormat.newBuilder()
            .setType("json_schema")
            .setSchemaName("place")
            .setSchemaJson("{\"type\":\"object\"}")
            .build();
    List<ChatChunk> chunks = new ArrayList<>();

    ChatResponse response =
        provider().stream(
            ask(Parameters.newBuilder().setResponseFormat(format).build()), chunks::add);

    assertThat(String.join("", chunks.stream().map(ChatChunk::textDelta).toList()))
        .isEqualTo(response.text());
    assertThat(JSON.readTree(response.text()))
        .isEqualTo(JSON.readTree("{\"city\":\"Lisbon\",\"country\":\"Portugal\"}"));
    assertThat(response.finishReason()).isEqualTo("stop");
    assertThat(response.toolCalls()).isEmpty();
  }

  @Test
  void overloadedErrorEventMidStreamIsARetryableOverload() {
    answer(
        stream(
            START,
            "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}",
            "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));

    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> provider().stream(ask(null), c -> {}));

    assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED);
    assertThat(e.retryable()).isTrue();
    assertThat(e.providerStatus()).isEqualTo(200);
    assertThat(e.getMessage())
        .contains("req-resp")
        .contains("overloaded_error")
        .contains("Overloaded");
  }

  @Test
  void streamWithoutMessageStopIsARetryableMalformedResponse() {
    answer(
        stream(
            START,
            "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}",
            "{\"type\":\"content_block_stop\",\"index\":0}",
            "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":2}}"));

    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> provider().stream(ask(null), c -> {}));

    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("message_stop");
  }

  @Test
  void requestTooLargeIsContextTooLong() {
    // Cloudflare answers 413 before the request reaches the API:
    // https://docs.claude.com/en/api/errors
    answer(
        errorBody(
            413, "request_too_large", "Request exceeds the maximum allowed number of bytes."));

    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> provider().complete(ask(null)));

    assertThat(e.code()).isEqualTo(ErrorCode.CONTEXT_TOO_LONG);
    assertThat(e.retryable()).isFalse();
    assertThat(e.providerStatus()).isEqualTo(413);
  }

  @Test
  void inputPlusMaxTokensOverTheContextWindowIsContextTooLong() {
    answer(
        errorBody(
            400,
            "invalid_request_error",
            "input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000, decrease input length or `max_tokens` and try again"));

    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> provider().complete(ask(null)));

    assertThat(e.code()).isEqualTo(ErrorCode.CONTEXT_TOO_LONG);
  }

  @Test
  void emptyCreditBalanceAndReachedSpendLimitAreNotRetried() {
    answer(
        errorBody(
            400,
            "invalid_request_error",
            "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."));
    ProviderException credit =
        catchThrowableOfType(ProviderException.class, () -> provider().complete(ask(null)));
    assertThat(credit.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(credit.retryable()).isFalse();

    answer(
        aResponse()
            .withStatus(429)
            .withHeader("Content-Type", "application/json")
            .withBody(
                """
        {"type": "error", "error": {"type": "rate_limit_error", "message": "You have reached your monthly spend limit.",
         "details": {"error_code": "enforced_spend_limit_reached"}}, "request_id": "req_1"}"""));
    ProviderException spend =
        catchThrowableOfType(ProviderException.class, () -> provider().complete(ask(null)));
    assertThat(spend.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(spend.retryable()).isFalse();
  }

  @Test
  void errorMessageCarriesAnthropicsRequestIdForSupport() {
    answer(errorBody(500, "api_error", "Internal server error"));

    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> provider().complete(ask(null)));

    assertThat(e.getMessage())
        .contains("req-resp")
        .contains("HTTP 500")
        .contains("api_error")
        .contains("req_011CSHoEeqs5C35K2UUqR7Fy");
  }

  @Test
  void rejectedKeyIsTakenOutOfRotationAndTheRequestRetriedWithTheNextKey() throws Exception {
    wm.stubFor(
        post(urlEqualTo("/v1/messages"))
            .withHeader("x-api-key", equalTo(KEY_A))
            .willReturn(errorBody(401, "authentication_error", "invalid x-api-key")));
    wm.stubFor(
        post(urlEqualTo("/v1/messages"))
            .withHeader("x-api-key", equalTo(KEY_B))
            .willReturn(message("[{\"type\":\"text\",\"text\":\"ok\"}]", "end_turn")));
    AnthropicProvider provider = provider(KEY_A, KEY_B);

    assertThat(provider.complete(ask(null)).text()).isEqualTo("ok");
    assertThat(provider.complete(ask(null)).text()).isEqualTo("ok");

    wm.verify(
        1, postRequestedFor(urlEqualTo("/v1/messages")).withHeader("x-api-key", equalTo(KEY_A)));
    wm.verify(
        2, postRequestedFor(urlEqualTo("/v1/messages")).withHeader("x-api-key", equalTo(KEY_B)));
  }

  @Test
  void rateLimitHeadersOfASuccessfulAnswerAreRead() throws Exception {
    answer(
        message("[{\"type\":\"text\",\"text\":\"ok\"}]", "end_turn")
            .withHeader("anthropic-ratelimit-requests-limit", "1000")
            .withHeader("anthropic-ratelimit-requests-remaining", "999")
            .withHeader("anthropic-ratelimit-requests-reset", "2000-01-01T00:00:00Z")
            .withHeader("anthropic-ratelimit-tokens-limit", "96000")
            .withHeader("anthropic-ratelimit-tokens-remaining", "95000"));

    ChatResponse response = provider().complete(ask(null));

    assertThat(response.rateLimits().limitRequests()).isEqualTo(1000);
    assertThat(response.rateLimits().remainingRequests()).isEqualTo(999);
    assertThat(response.rateLimits().resetRequests()).isZero();
    assertThat(response.rateLimits().limitTokens()).isEqualTo(96000);
    assertThat(response.rateLimits().remainingTokens()).isEqualTo(95000);
    assertThat(response.rateLimits().retryAfter()).isNull();
  }

  private static ResponseDefinitionBuilder errorBody(int status, String type, String message) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withBody(
            """
        {"type": "error", "error": {"type": "%s", "message": "%s"}, "request_id": "req_011CSHoEeqs5C35K2UUqR7Fy"}"""
                .formatted(type, message));
  }
}

package io.promptyard.providers.gemini;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
import io.promptyard.schemas.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How Gemini's answers, quirks and errors reach the caller. */
class GeminiAnswersAndErrorsTest {

  static final String KEY = "AIzaSyFIRSTfirstFIRST0123456789abcd";
  static final String OTHER_KEY = "AIzaSySECONDsecondSECOND456789wxyz";

  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private ApiKeyPool keys;
  private GeminiProvider provider;

  @BeforeEach
  void start() {
    keys = ApiKeyPool.of("gemini", List.of(KEY, OTHER_KEY));
    ProviderSpec spec =
        new ProviderSpec(
            "gemini", "gemini", server.baseUrl(), List.of("GEMINI_API_KEY"), null, true);
    provider =
        new GeminiProvider(
            spec,
            keys,
            new HttpTimeouts(
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)));
  }

  private static ChatRequest ask() {
    return new ChatRequest(
        "req-7",
        "gemini-2.5-flash",
        List.of(Message.newBuilder().setRole(Role.USER).setText("hi").build()),
        null);
  }

  private ProviderException failure() {
    return catchThrowableOfType(ProviderException.class, () -> provider.complete(ask()));
  }

  private static String candidate(String parts, String finishReason) {
    return """
        {"candidates": [{"content": {"parts": %s, "role": "model"}, "finishReason": "%s", "index": 0}],
         "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 4, "totalTokenCount": 14},
         "modelVersion": "gemini-2.5-flash"}"""
        .formatted(parts, finishReason);
  }

  @Test
  void thoughtSummariesAreNotPartOfTheAnswer() throws Exception {
    server.stubFor(
        post(urlPathMatching("/.*"))
            .willReturn(
                okJson(
                    candidate(
                        "[{\"text\": \"Let me think about Peru.\", \"thought\": true}, {\"text\": \"Lima\"}, {\"text\": \".\"}]",
                        "STOP"))));

    ChatResponse response = provider.complete(ask());

    assertThat(response.text()).isEqualTo("Lima.");
    assertThat(response.providerModel()).isEqualTo("gemini-2.5-flash");
  }

  @Test
  void parallelFunctionCallsGetDistinctStableIds() throws Exception {
    server.stubFor(
        post(urlPathMatching("/.*"))
            .willReturn(
                okJson(
                    candidate(
                        """
        [{"functionCall": {"name": "get_weather", "args": {"city": "Oslo"}}},
         {"functionCall": {"name": "get_time", "args": {}}}]""",
                        "STOP"))));

    ChatResponse response = provider.complete(ask());

    assertThat(response.finishReason()).isEqualTo("tool_calls");
    assertThat(response.text()).isNull();
    assertThat(response.toolCalls())
        .extracting(c -> c.getId() + " " + c.getName() + " " + c.getArguments())
        .containsExactly("call_0 get_weather {\"city\":\"Oslo\"}", "call_1 get_time {}");
  }

  @ParameterizedTest
  @CsvSource({
    "MAX_TOKENS, length",
    "SAFETY, content_filter",
    "RECITATION, content_filter",
    "PROHIBITED_CONTENT, content_filter",
    "SPII, content_filter",
    "BLOCKLIST, content_filter",
    "OTHER, stop"
  })
  void finishReasonsAreNormalised(String gemini, String expected) throws Exception {
    server.stubFor(
        post(urlPathMatching("/.*"))
            .willReturn(okJson(candidate("[{\"text\": \"Partial\"}]", gemini))));

    assertThat(provider.complete(ask()).finishReason()).isEqualTo(expected);
  }

  @Test
  void malformedFunctionCallIsARetryableMalformedResponse() {
    server.stubFor(
        post(urlPathMatching("/.*"))
            .willReturn(
                okJson(
                    """
        {"candidates": [{"content": {}, "finishReason": "MALFORMED_FUNCTION_CALL", "index": 0,
                         "finishMessage": "Malformed function call: print(default_api.get_weather(city=Oslo))"}]}""")));

    ProviderException e = failure();

    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("MALFORMED_FUNCTION_CALL");
  }

  @Test
  void blockedPromptIsANonRetryableContentPolicyError() {
    server.stubFor(
        post(urlPathMatching("/.*"))
            .willReturn(
                okJson(
                    """
        {"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"},
         "usageMetadata": {"promptTokenCount": 9, "totalTokenCount": 9}, "modelVersion": "gemini-2.5-flash"}""")));

    ProviderException e = failure();

    assertThat(e.code()).isEqualTo(ErrorCode.CONTENT_POLICY);
    assertThat(e.retryable()).isFalse();
    assertThat(e.providerStatus()).isEqualTo(200);
    assertThat(e.getMessage()).contains("req-7", "PROHIBITED_CONTENT");
  }

  @Test
  void blockedPromptInAStreamIsAContentPolicyErrorToo() {
    server.stubFor(
        post(urlPathMatching("/.*"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "text/event-stream")
                    .withBody(
                        "data: {\"promptFeedback\": {\"blockReason\": \"SAFETY\"}, \"usageMetadata\": {\"promptTokenCount\": 9}}\n\n")));

    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> provider.stream(ask(), c -> {}));

    assertThat(e.code()).isEqualTo(ErrorCode.CONTENT_POLICY);
  }

  @Test
  void streamedFunctionCallAndCumulativeUsageAreAssembled() throws Exception {
    server.stubFor(
        post(urlPathMatching("/.*"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "text/event-stream")
                    .withBody(
                        """
            data: {"candidates": [{"content": {"parts": [{"text": "Checking."}], "role": "model"}, "index": 0}], "usageMetadata": {"promptTokenCount": 83, "candidatesTokenCount": 3, "thoughtsTokenCount": 104}}

            data: {"candidates": [{"content": {"parts": [{"functionCall": {"name": "get_weather", "args": {"city": "Oslo"}}, "thoughtSignature": "Cik="}], "role": "model"}, "finishReason": "STOP", "index": 0}], "usageMetadata": {"promptTokenCount": 83, "candidatesTokenCount": 14, "cachedContentTokenCount": 64, "thoughtsTokenCount": 104}}

            """)));
    List<ChatChunk> chunks = new ArrayList<>();

    ChatResponse response = provider.stream(ask(), chunks::add);

    assertThat(response.text()).isEqualTo("Checking.");
    assertThat(response.finishReason()).isEqualTo("tool_calls");
    assertThat(response.toolCalls())
        .singleElement()
        .satisfies(c -> assertThat(c.getId()).isEqualTo("call_0"));
    assertThat(response.usage()).isEqualTo(new Usage(83, 118, 64, 104));
    assertThat(chunks).extracting(ChatChunk::finishReason).containsExactly(null, "tool_calls");
  }

  @Test
  void errorEventInsideAStreamIsClassifiedByItsStatus() {
    server.stubFor(
        post(urlPathMatching("/.*"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "text/event-stream")
                    .withBody(
                        "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hel\"}], \"role\": \"model\"}, \"index\": 0}]}\n\n"
                            + "data: {\"error\": {\"code\": 503, \"message\": \"The model is overloaded. Please try again later.\", \"status\": \"UNAVAILABLE\"}}\n\n")));

    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> provider.stream(ask(), c -> {}));

    assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED);
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void invalidKeyIsTakenOutOfThePoolAndTheNextKeyAnswers() throws Exception {
    server.stubFor(
        post(urlPathMatching("/.*"))
            .withHeader("x-goog-api-key", equalTo(KEY))
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        """
            {"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT",
             "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com"}]}}""")));
    server.stubFor(
        post(urlPathMatching("/.*"))
            .withHeader("x-goog-api-key", equalTo(OTHER_KEY))
            .willReturn(okJson(candidate("[{\"text\": \"hello\"}]", "STOP"))));

    ChatResponse response = provider.complete(ask());

    assertThat(response.text()).isEqualTo("hello");
    assertThat(keys.size()).isEqualTo(1);
    assertThat(keys.next()).contains(OTHER_KEY);
  }

  @Test
  void ordinaryBadRequestKeepsTheKey() {
    server.stubFor(
        post(urlPathMatching("/.*"))
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"error\": {\"code\": 400, \"message\": \"Invalid JSON payload received.\", \"status\": \"INVALID_ARGUMENT\"}}")));

    assertThat(failure().code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(keys.size()).isEqualTo(2);
    server.verify(1, postRequestedFor(urlPathMatching("/.*")));
  }

  @ParameterizedTest
  @CsvSource({
    "401, UNAUTHENTICATED, Request had invalid authentication credentials., AUTHENTICATION, false",
    "400, FAILED_PRECONDITION, User location is not supported for the API use without a billing account linked., PERMISSION_DENIED, false",
    "504, DEADLINE_EXCEEDED, Deadline expired before operation could complete., TIMEOUT, true",
    "500, INTERNAL, An internal error has occurred., PROVIDER_ERROR, true"
  })
  void googleStatusesAreClassified(
      int status, String canonical, String message, ErrorCode code, boolean retryable) {
    server.stubFor(
        post(urlPathMatching("/.*"))
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"error\": {\"code\": %d, \"message\": \"%s\", \"status\": \"%s\"}}"
                            .formatted(status, message, canonical))));

    ProviderException e = failure();

    assertThat(e.code()).isEqualTo(code);
    assertThat(e.retryable()).isEqualTo(retryable);
    assertThat(e.providerStatus()).isEqualTo(status);
    assertThat(e.getMessage())
        .contains("req-7", canonical, message)
        .doesNotContain(KEY)
        .doesNotContain(OTHER_KEY);
  }

  @Test
  void retryAfterHeaderWinsOverTheBodysRetryDelay() {
    server.stubFor(
        post(urlPathMatching("/.*"))
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Retry-After", "3")
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        """
            {"error": {"code": 429, "message": "Resource exhausted.", "status": "RESOURCE_EXHAUSTED",
             "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "41.5s"}]}}""")));

    assertThat(failure().retryAfter()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void bodysRetryDelayIsReadWithFractions() {
    server.stubFor(
        post(urlPathMatching("/.*"))
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        """
            {"error": {"code": 429, "message": "Resource exhausted.", "status": "RESOURCE_EXHAUSTED",
             "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "41.5s"}]}}""")));

    ProviderException e = failure();

    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(41_500));
  }

  @Test
  void keyEchoedInAnErrorMessageIsRedacted() {
    server.stubFor(
        post(urlPathMatching("/.*"))
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"error\": {\"code\": 400, \"message\": \"Bad key "
                            + KEY
                            + "\", \"status\": \"INVALID_ARGUMENT\"}}")));

    assertThat(failure().getMessage()).doesNotContain(KEY).contains("[REDACTED]");
  }
}

package io.promptyard.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.promptyard.providers.openai.OpenAiRequests.ask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.ProviderException;
import io.promptyard.schemas.ErrorCode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What OpenAI-compatible servers (Groq, Ollama, vLLM, TGI) do differently from OpenAI, read the
 * same way.
 */
class OpenAiCompatibleServerQuirksTest {

  static final String PATH = "/openai/v1/chat/completions";

  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final OpenAiCompatibleProvider provider =
      new OpenAiCompatibleProvider(
          new ProviderSpec(
              "local",
              "openai-compatible",
              server.baseUrl() + "/openai/v1",
              List.of(),
              null,
              false),
          ApiKeyPool.empty("local"));

  @AfterEach
  void close() {
    provider.close();
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder status(
      int status, String body) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withBody(body);
  }

  private ProviderException completeFails() {
    return catchThrowableOfType(ProviderException.class, () -> provider.complete(ask("Hi")));
  }

  @Test
  void groqStreamUsageOnlyInXGroqIsRead() throws Exception {
    // Groq before stream_options: the usage arrives only in x_groq.usage of the finishing chunk.
    server.stubFor(
        post(PATH)
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "text/event-stream")
                    .withBody(
                        """
        data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"llama-3.3-70b-versatile","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"x_groq":{"id":"req_01"}}

        data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"llama-3.3-70b-versatile","choices":[{"index":0,"delta":{"content":"Hi."},"finish_reason":null}]}

        data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"llama-3.3-70b-versatile","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x_groq":{"id":"req_01","usage":{"queue_time":0.09,"prompt_tokens":38,"prompt_time":0.003,"completion_tokens":4,"completion_time":0.02,"total_tokens":42,"total_time":0.03}}}

        data: [DONE]

        """)));

    ChatResponse response = provider.stream(ask("Hi"), c -> {});

    assertThat(response.text()).isEqualTo("Hi.");
    assertThat(response.usage()).isEqualTo(new Usage(38, 4, 0, 0));
  }

  @Test
  void groqFlexTierAtCapacityIsARetryableOverload() {
    server.stubFor(
        post(PATH)
            .willReturn(
                status(
                    498,
                    """
        {"error":{"message":"Flex tier capacity exceeded. This is a known issue and will be resolved soon.","type":"capacity_exceeded","code":"capacity_exceeded"}}""")));

    ProviderException e = completeFails();

    assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED);
    assertThat(e.retryable()).isTrue();
    assertThat(e.providerStatus()).isEqualTo(498);
  }

  @Test
  void groqRateLimitResetTimesAreRead() {
    server.stubFor(
        post(PATH)
            .willReturn(
                status(
                        429,
                        """
        {"error":{"message":"Rate limit reached for model `llama-3.3-70b-versatile` on requests per day (RPD).","type":"requests","code":"rate_limit_exceeded"}}""")
                    .withHeader("retry-after", "2")
                    .withHeader("x-ratelimit-limit-requests", "14400")
                    .withHeader("x-ratelimit-reset-requests", "2m59.56s")
                    .withHeader("x-ratelimit-reset-tokens", "7.66s")));

    ProviderException e = completeFails();

    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(e.rateLimits().limitRequests()).isEqualTo(14400);
    assertThat(e.rateLimits().resetRequests()).isEqualTo(Duration.ofMillis(179_560));
    assertThat(e.rateLimits().resetTokens()).isEqualTo(Duration.ofMillis(7_660));
    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void ollamaNotFoundErrorWithTypeAndNullCodeIsModelNotFound() {
    // Ollama's NewError: {"error":{"message","type":"not_found_error","param":null,"code":null}}
    // https://github.com/ollama/ollama/blob/main/openai/openai.go
    server.stubFor(
        post(PATH)
            .willReturn(
                status(
                    404,
                    """
        {"error":{"message":"model \\"llama3\\" not found, try pulling it first","type":"not_found_error","param":null,"code":null}}""")));

    ProviderException e = completeFails();

    assertThat(e.code()).isEqualTo(ErrorCode.MODEL_NOT_FOUND);
    assertThat(e.getMessage()).contains("try pulling it first");
  }

  @Test
  void plainStringErrorBodyGivesItsMessage() {
    server.stubFor(
        post(PATH)
            .willReturn(
                status(
                    500,
                    """
        {"error":"llama runner process has terminated: signal: killed"}""")));

    ProviderException e = completeFails();

    assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_ERROR);
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("llama runner process has terminated");
  }

  @Test
  void vllmTopLevelErrorObjectSayingTheContextIsTooLongIsContextTooLong() {
    // vLLM's ErrorResponse: {"object":"error","message","type","param","code": <int>}
    server.stubFor(
        post(PATH)
            .willReturn(
                status(
                    400,
                    """
        {"object":"error","message":"This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.","type":"BadRequestError","param":null,"code":400}""")));

    ProviderException e = completeFails();

    assertThat(e.code()).isEqualTo(ErrorCode.CONTEXT_TOO_LONG);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("maximum context length is 4096 tokens");
  }

  @Test
  void engineFinishReasonsAreNormalisedToOpenAisWords() throws Exception {
    server.stubFor(
        post(PATH)
            .willReturn(
                okJson(
                    """
        {"id":"c","object":"chat.completion","created":1,"model":"tgi",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Hi."},"finish_reason":"eos_token"}],
         "usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}""")));

    assertThat(provider.complete(ask("Hi")).finishReason()).isEqualTo("stop");
    assertThat(OpenAiResponseMapper.finishReason("max_tokens")).isEqualTo("length");
    assertThat(OpenAiResponseMapper.finishReason("function_call")).isEqualTo("tool_calls");
    assertThat(OpenAiResponseMapper.finishReason("content_filter")).isEqualTo("content_filter");
  }

  @Test
  void compatibleServersGetMaxTokensAndTheSystemRoleForDeveloperMessages() throws Exception {
    server.stubFor(
        post(PATH)
            .willReturn(
                okJson(
                    """
        {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hi."},"finish_reason":"stop"}]}""")));

    ChatResponse response =
        provider.complete(
            new io.promptyard.providers.ChatRequest(
                "req-1",
                "m",
                List.of(OpenAiRequests.developer("Be brief."), OpenAiRequests.user("Hi")),
                io.promptyard.schemas.Parameters.newBuilder().setMaxTokens(5).build()));

    String body = server.getAllServeEvents().getFirst().getRequest().getBodyAsString();
    assertThat(body)
        .contains("\"max_tokens\":5")
        .doesNotContain("max_completion_tokens")
        .contains("\"role\":\"system\"");
    assertThat(response.usage()).as("no usage at all means zero").isEqualTo(Usage.ZERO);
  }
}

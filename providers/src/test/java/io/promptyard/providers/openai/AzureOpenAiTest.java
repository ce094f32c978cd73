package io.promptyard.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.ChatProviders;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.providers.ProviderException;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Parameters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Azure OpenAI through the OpenAI adapter: URLs, authentication, field names by api-version and
 * Azure's quirks.
 */
class AzureOpenAiTest {

  static final String KEY = "0123456789abcdef0123456789abcdef";
  static final String TOKEN =
      "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJjb2duaXRpdmUifQ.c2lnbmF0dXJlLXNlY3JldA";
  static final String CURRENT =
      "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21";

  static final String ANSWER =
      """
      {"id": "chatcmpl-1", "object": "chat.completion", "created": 1729144182, "model": "gpt-4o-2024-08-06",
       "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": {}}],
       "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Hi."},
                    "content_filter_results": {}}],
       "usage": {"completion_tokens": 2, "prompt_tokens": 9, "total_tokens": 11}}""";

  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final ObjectMapper json = new ObjectMapper();
  private final List<ChatProvider> opened = new ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(ChatProvider::close);
  }

  private ChatProvider azure(Map<String, String> options, Map<String, String> env) {
    ProviderSpec spec =
        new ProviderSpec(
            "azure",
            "azure-openai",
            server.baseUrl() + "/",
            List.of("AZURE_OPENAI_API_KEY"),
            null,
            true,
            options);
    ChatProvider p =
        ChatProviders.create(
            spec,
            env,
            new HttpTimeouts(
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)));
    opened.add(p);
    return p;
  }

  private ChatProvider azure(Map<String, String> options) {
    return azure(options, Map.of("AZURE_OPENAI_API_KEY", KEY));
  }

  private static ChatRequest ask(Parameters parameters) {
    return new ChatRequest(
        "req-az",
        "gpt-4o",
        List.of(OpenAiRequests.developer("Be brief."), OpenAiRequests.user("Hi")),
        parameters);
  }

  private JsonNode sentBody() throws Exception {
    return json.readTree(server.getAllServeEvents().getFirst().getRequest().getBodyAsString());
  }

  @Test
  void callGoesToTheDeploymentWithTheApiVersionAndTheKeyInTheApiKeyHeader() throws Exception {
    server.stubFor(post(urlEqualTo(CURRENT)).willReturn(okJson(ANSWER)));

    ChatResponse response =
        azure(Map.of()).complete(ask(Parameters.newBuilder().setMaxTokens(64).build()));

    assertThat(response.text()).isEqualTo("Hi.");
    server.verify(
        postRequestedFor(urlEqualTo(CURRENT))
            .withHeader("api-key", equalTo(KEY))
            .withHeader("Authorization", absent()));
    JsonNode body = sentBody();
    assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(64);
    assertThat(body.has("max_tokens")).isFalse();
    assertThat(body.path("messages").path(0).path("role").asText()).isEqualTo("system");
  }

  @Test
  void deploymentOptionMapsAModelIdToAnotherDeploymentName() throws Exception {
    server.stubFor(
        post(urlEqualTo(
                "/openai/deployments/prod-gpt4o-eu/chat/completions?api-version=2025-01-01-preview"))
            .willReturn(okJson(ANSWER)));

    ChatResponse response =
        azure(Map.of("deployment.gpt-4o", "prod-gpt4o-eu", "apiVersion", "2025-01-01-preview"))
            .complete(ask(null));

    assertThat(response.text()).isEqualTo("Hi.");
  }

  @Test
  void apiVersionBeforeSeptember2024GetsMaxTokensAndNoStreamOptions() throws Exception {
    String path = "/openai/deployments/gpt-4o/chat/completions?api-version=2024-06-01";
    server.stubFor(
        post(urlEqualTo(path))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "text/event-stream")
                    .withBody(
                        """
        data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Hi."},"finish_reason":"stop"}]}

        data: [DONE]

        """)));

    ChatResponse response =
        azure(Map.of("apiVersion", "2024-06-01")).stream(
            ask(Parameters.newBuilder().setMaxTokens(64).build()), c -> {});

    assertThat(response.text()).isEqualTo("Hi.");
    JsonNode body = sentBody();
    assertThat(body.path("max_tokens").asInt()).isEqualTo(64);
    assertThat(body.has("max_completion_tokens")).isFalse();
    assertThat(body.has("stream_options")).isFalse();
  }

  @Test
  void currentApiVersionStreamAsksForUsage() throws Exception {
    server.stubFor(
        post(urlEqualTo(CURRENT))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "text/event-stream")
                    .withBody(
                        """
        data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}]}

        data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"Hi."},"finish_reason":"stop","content_filter_results":{}}]}

        data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}

        data: [DONE]

        """)));

    ChatResponse response = azure(Map.of()).stream(ask(null), c -> {});

    assertThat(sentBody().path("stream_options").path("include_usage").asBoolean()).isTrue();
    assertThat(response.providerModel())
        .as("the filter-only first chunk's empty model is not the model")
        .isEqualTo("gpt-4o-2024-08-06");
    assertThat(response.usage().inputTokens()).isEqualTo(9);
  }

  @Test
  void annotationChunksWithoutDeltaDoNotBreakTheStream() throws Exception {
    // Asynchronous filtering sends choices carrying only content_filter_results and offsets, with
    // no delta: https://learn.microsoft.com/azure/ai-services/openai/concepts/content-streaming
    server.stubFor(
        post(urlEqualTo(CURRENT))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "text/event-stream")
                    .withBody(
                        """
        data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}

        data: {"id":"","object":"","created":0,"model":"","choices":[{"index":0,"finish_reason":null,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}},"content_filter_offsets":{"check_offset":0,"start_offset":0,"end_offset":2}}]}

        data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"."},"finish_reason":"stop"}]}

        data: {"id":"","object":"","created":0,"model":"","choices":[{"index":0,"finish_reason":null,"content_filter_results":{},"content_filter_offsets":{"check_offset":2,"start_offset":2,"end_offset":3}}]}

        data: [DONE]

        """)));
    List<ChatChunk> chunks = new ArrayList<>();

    ChatResponse response = azure(Map.of()).stream(ask(null), chunks::add);

    assertThat(response.text()).isEqualTo("Hi.");
    assertThat(response.finishReason()).isEqualTo("stop");
    assertThat(String.join("", chunks.stream().map(ChatChunk::textDelta).toList()))
        .isEqualTo("Hi.");
  }

  @Test
  void filteredCompletionHasFinishReasonContentFilter() throws Exception {
    server.stubFor(
        post(urlEqualTo(CURRENT))
            .willReturn(
                okJson(
                    """
        {"id": "chatcmpl-2", "object": "chat.completion", "created": 1, "model": "gpt-4o",
         "choices": [{"index": 0, "finish_reason": "content_filter", "message": {"role": "assistant", "content": null},
                      "content_filter_results": {"violence": {"filtered": true, "severity": "medium"}}}],
         "usage": {"completion_tokens": 30, "prompt_tokens": 9, "total_tokens": 39}}""")));

    ChatResponse response = azure(Map.of()).complete(ask(null));

    assertThat(response.finishReason()).isEqualTo("content_filter");
    assertThat(response.text()).isNull();
  }

  @Test
  void filteredPromptIsAContentPolicyErrorThatIsNotRetried() {
    server.stubFor(
        post(urlEqualTo(CURRENT))
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        """
            {"error": {"message": "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
             "type": null, "param": "prompt", "code": "content_filter", "status": 400,
             "innererror": {"code": "ResponsibleAIPolicyViolation",
                            "content_filter_result": {"violence": {"filtered": true, "severity": "medium"}}}}}""")));

    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> azure(Map.of()).complete(ask(null)));

    assertThat(e.code()).isEqualTo(ErrorCode.CONTENT_POLICY);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage())
        .contains("req-az")
        .contains("content_filter")
        .contains("content management policy");
  }

  @Test
  void missingDeploymentIsModelNotFoundAndSaysHowToMapTheDeployment() {
    server.stubFor(
        post(anyUrl())
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        """
        {"error": {"code": "DeploymentNotFound", "message": "The API deployment for this resource does not exist."}}""")));

    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> azure(Map.of()).complete(ask(null)));

    assertThat(e.code()).isEqualTo(ErrorCode.MODEL_NOT_FOUND);
    assertThat(e.getMessage()).contains("DeploymentNotFound").contains("deployment.<modelId>");
  }

  @Test
  void rateLimitHeadersAndRetryAfterReachTheException() {
    server.stubFor(
        post(urlEqualTo(CURRENT))
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Content-Type", "application/json")
                    .withHeader("retry-after", "6")
                    .withHeader("retry-after-ms", "5800")
                    .withHeader("x-ratelimit-remaining-requests", "0")
                    .withHeader("x-ratelimit-remaining-tokens", "1200")
                    .withBody(
                        "{\"error\":{\"code\":\"429\",\"message\":\"Requests to the ChatCompletions_Create Operation have exceeded "
                            + "token rate limit. Please retry after 6 seconds.\"}}")));

    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> azure(Map.of()).complete(ask(null)));

    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(e.retryable()).isTrue();
    assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(5800));
    assertThat(e.rateLimits().remainingRequests()).isZero();
    assertThat(e.rateLimits().remainingTokens()).isEqualTo(1200);
  }

  @Test
  void entraAuthSendsTheTokenFromTheNamedVariableAsBearerAndNoApiKey() throws Exception {
    server.stubFor(post(urlEqualTo(CURRENT)).willReturn(okJson(ANSWER)));
    Map<String, String> env = Map.of("MY_AAD_TOKEN", TOKEN, "AZURE_OPENAI_API_KEY", KEY);

    azure(Map.of("auth", "entra", "entraTokenEnv", "MY_AAD_TOKEN"), env).complete(ask(null));

    server.verify(
        postRequestedFor(urlEqualTo(CURRENT))
            .withHeader("Authorization", equalTo("Bearer " + TOKEN))
            .withHeader("api-key", absent()));
  }

  @Test
  void refusedEntraTokenNeverAppearsInTheErrorAndIsTakenOutOfRotation() {
    server.stubFor(
        post(urlEqualTo(CURRENT))
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"error\":{\"code\":\"401\",\"message\":\"Unauthorized. Access token is missing, invalid, audience is "
                            + "incorrect (https://cognitiveservices.azure.com), or have expired. Token: "
                            + TOKEN
                            + "\"}}")));
    ChatProvider provider = azure(Map.of("auth", "entra"), Map.of("AZURE_OPENAI_AD_TOKEN", TOKEN));

    ProviderException first =
        catchThrowableOfType(ProviderException.class, () -> provider.complete(ask(null)));
    ProviderException second =
        catchThrowableOfType(ProviderException.class, () -> provider.complete(ask(null)));

    assertThat(first.code()).isEqualTo(ErrorCode.AUTHENTICATION);
    assertThat(first.getMessage()).doesNotContain(TOKEN).contains("[REDACTED]");
    assertThat(second.code()).isEqualTo(ErrorCode.AUTHENTICATION);
    assertThat(server.getAllServeEvents()).as("the refused token is not sent again").hasSize(1);
  }

  @Test
  void entraAuthWithoutTheTokenIsRefusedAtStartNamingTheVariable() {
    ProviderSpec spec =
        new ProviderSpec(
            "azure",
            "azure-openai",
            server.baseUrl(),
            List.of("AZURE_OPENAI_API_KEY"),
            null,
            true,
            Map.of("auth", "entra"));

    assertThatThrownBy(() -> ChatProviders.create(spec, Map.of("AZURE_OPENAI_API_KEY", KEY)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AZURE_OPENAI_AD_TOKEN");
    assertThat(ChatProviders.usable(spec, Map.of("AZURE_OPENAI_API_KEY", KEY))).isFalse();
    assertThat(ChatProviders.usable(spec, Map.of("AZURE_OPENAI_AD_TOKEN", TOKEN))).isTrue();
  }

  @Test
  void invalidOptionsAreRefusedAtStartNamingTheOption() {
    Map<String, String> env = new HashMap<>(Map.of("AZURE_OPENAI_API_KEY", KEY));
    assertThatThrownBy(() -> azure(Map.of("auth", "managed-identity"), env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("option auth")
        .hasMessageContaining("managed-identity");
    assertThatThrownBy(() -> azure(Map.of("apiVersion", "2024-10-21&evil=1"), env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("option apiVersion");
    assertThatThrownBy(() -> azure(Map.of("deployment.gpt-4o", " "), env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deployment.gpt-4o");
  }

  @Test
  void azureDialectFollowsTheApiVersion() {
    assertThat(OpenAiDialect.azure("2024-10-21").maxTokensField())
        .isEqualTo("max_completion_tokens");
    assertThat(OpenAiDialect.azure("2024-09-01-preview").maxTokensField())
        .isEqualTo("max_completion_tokens");
    assertThat(OpenAiDialect.azure("2024-08-01-preview").maxTokensField()).isEqualTo("max_tokens");
    assertThat(OpenAiDialect.azure("2024-06-01").streamUsage()).isFalse();
    assertThat(OpenAiDialect.azure("preview").maxTokensField()).isEqualTo("max_completion_tokens");
    assertThat(OpenAiDialect.azure("2025-04-01-preview").developerRole()).isFalse();
  }

  @Test
  void theApiKeyPoolOfTheAdapterIsUsedDirectlyToo() throws Exception {
    server.stubFor(post(urlEqualTo(CURRENT)).willReturn(okJson(ANSWER)));
    ProviderSpec spec =
        new ProviderSpec(
            "azure", "azure-openai", server.baseUrl(), List.of(), null, true, Map.of());

    try (OpenAiCompatibleProvider p =
        new OpenAiCompatibleProvider(spec, ApiKeyPool.of("azure", List.of(KEY)))) {
      assertThat(p.complete(ask(null)).text()).isEqualTo("Hi.");
    }
  }
}

package io.promptyard.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.promptyard.providers.openai.OpenAiRequests.ask;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.ChatResponse;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.ResponseFormat;
import io.promptyard.schemas.ToolDefinition;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OpenAiCompatibleProviderTest {

  static final String KEY = "sk-test-0123456789abcdefWXYZ";
  static final String PATH = "/v1/chat/completions";

  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final ObjectMapper json = new ObjectMapper();
  private OpenAiCompatibleProvider provider;

  private OpenAiCompatibleProvider provider(ApiKeyPool keys, boolean keyRequired) {
    ProviderSpec spec =
        new ProviderSpec(
            "acme", "openai-compatible", server.baseUrl() + "/v1", List.of(), null, keyRequired);
    provider = new OpenAiCompatibleProvider(spec, keys);
    return provider;
  }

  private OpenAiCompatibleProvider provider() {
    return provider(ApiKeyPool.of("acme", List.of(KEY)), true);
  }

  @AfterEach
  void close() {
    if (provider != null) {
      provider.close();
    }
  }

  private JsonNode sentBody() throws Exception {
    return json.readTree(server.getAllServeEvents().getFirst().getRequest().getBodyAsString());
  }

  @Test
  void plainAnswerGivesTextFinishReasonProviderModelAndUsage() throws Exception {
    server.stubFor(post(PATH).willReturn(okJson(OpenAiFixtures.PLAIN_ANSWER)));

    ChatResponse response = provider().complete(ask("Hello!"));

    assertThat(response.text()).isEqualTo("Hello! How can I assist you today?");
    assertThat(response.finishReason()).isEqualTo("stop");
    assertThat(response.toolCalls()).isEmpty();
    assertThat(response.providerModel()).isEqualTo("gpt-4.1-2025-04-14");
    assertThat(response.usage()).isEqualTo(new Usage(19, 10, 0, 0));
  }

  @Test
  void toolCallAnswerGivesTheCallsAndNoText() throws Exception {
    server.stubFor(post(PATH).willReturn(okJson(OpenAiFixtures.TOOL_CALL_ANSWER)));

    ChatResponse response = provider().complete(ask("What's the weather like in Boston today?"));

    assertThat(response.text()).isNull();
    assertThat(response.finishReason()).isEqualTo("tool_calls");
    assertThat(response.toolCalls())
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.getId()).isEqualTo("call_abc123");
              assertThat(call.getName()).isEqualTo("get_current_weather");
              assertThat(json.readTree(call.getArguments()).path("location").asText())
                  .isEqualTo("Boston, MA");
            });
    assertThat(response.usage()).isEqualTo(new Usage(82, 17, 0, 0));
  }

  @Test
  void jsonSchemaAnswerIsTheJsonTextAndTheSchemaIsSentStrict() throws Exception {
    server.stubFor(post(PATH).willReturn(okJson(OpenAiFixtures.JSON_SCHEMA_ANSWER)));
    String schema =
        """
        {"type":"object","properties":{"name":{"type":"string"},"date":{"type":"string"},
         "participants":{"type":"array","items":{"type":"string"}}},
         "required":["name","date","participants"],"additionalProperties":false}""";
    Parameters parameters =
        Parameters.newBuilder()
            .setResponseFormat(
                ResponseFormat.newBuilder()
                    .setType("json_schema")
                    .setSchemaName("calendar_event")
                    .setSchemaJson(schema)
                    .setStrict(true)
                    .build())
            .build();

    ChatResponse response =
        provider()
            .complete(ask("Alice and Bob are going to a science fair on Friday.", parameters));

    assertThat(json.readTree(response.text()).path("participants").size()).isEqualTo(2);
    assertThat(sentBody().path("response_format"))
        .isEqualTo(
            json.readTree(
                """
        {"type":"json_schema","json_schema":{"name":"calendar_event","schema":%s,"strict":true}}"""
                    .formatted(schema)));
  }

  @Test
  void cachedAndReasoningTokensAreParsed() throws Exception {
    server.stubFor(post(PATH).willReturn(okJson(OpenAiFixtures.CACHED_REASONING_ANSWER)));

    ChatResponse response = provider().complete(ask("What is six times seven?"));

    assertThat(response.usage()).isEqualTo(new Usage(2006, 300, 1920, 256));
  }

  @Test
  void refusalBecomesTheTextWithFinishReasonContentFilter() throws Exception {
    server.stubFor(post(PATH).willReturn(okJson(OpenAiFixtures.REFUSAL_ANSWER)));

    ChatResponse response = provider().complete(ask("Something the model refuses"));

    assertThat(response.text()).isEqualTo("I'm sorry, I cannot assist with that request.");
    assertThat(response.finishReason()).isEqualTo("content_filter");
  }

  @Test
  void requestBodyCarriesEveryMessageKindAndParameter() throws Exception {
    server.stubFor(post(PATH).willReturn(okJson(OpenAiFixtures.PLAIN_ANSWER)));
    Parameters parameters =
        Parameters.newBuilder()
            .setTemperature(0.2)
            .setTopP(0.9)
            .setMaxTokens(256)
            .setStop(List.of("END", "STOP"))
            .setSeed(42L)
            .setTools(
                List.of(
                    ToolDefinition.newBuilder()
                        .setName("get_weather")
                        .setDescription("Weather for a city")
                        .setParametersJson(
                            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}")
                        .build()))
            .setToolChoice("get_weather")
            .setResponseFormat(ResponseFormat.newBuilder().setType("json_object").build())
            .build();
    ChatRequest request =
        new ChatRequest(
            "req-7",
            "gpt-4o-mini",
            List.of(
                OpenAiRequests.system("You are terse."),
                OpenAiRequests.userWithParts(
                    OpenAiRequests.text("What is in this image?"),
                    OpenAiRequests.image("https://example.com/cat.png", "low")),
                OpenAiRequests.assistantCalling("call_1", "get_weather", "{\"city\":\"Paris\"}"),
                OpenAiRequests.toolResult("call_1", "{\"celsius\":21}")),
            parameters);

    provider().complete(request);

    assertThat(sentBody())
        .isEqualTo(
            json.readTree(
                """
        {
          "model": "gpt-4o-mini",
          "messages": [
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": [
              {"type": "text", "text": "What is in this image?"},
              {"type": "image_url", "image_url": {"url": "https://example.com/cat.png", "detail": "low"}}
            ]},
            {"role": "assistant", "content": null, "tool_calls": [
              {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Paris\\"}"}}
            ]},
            {"role": "tool", "content": "{\\"celsius\\":21}", "tool_call_id": "call_1"}
          ],
          "temperature": 0.2,
          "top_p": 0.9,
          "max_tokens": 256,
          "stop": ["END", "STOP"],
          "seed": 42,
          "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Weather for a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}],
          "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
          "response_format": {"type": "json_object"}
        }
        """));
  }

  @Test
  void apiKeyIsSentAsBearerTokenWithJsonContentType() throws Exception {
    server.stubFor(post(PATH).willReturn(okJson(OpenAiFixtures.PLAIN_ANSWER)));

    provider().complete(ask("Hello!"));

    server.verify(
        postRequestedFor(urlEqualTo(PATH))
            .withHeader("Authorization", equalTo("Bearer " + KEY))
            .withHeader("Content-Type", equalTo("application/json")));
  }

  @Test
  void providerWithoutKeysSendsNoAuthorizationHeader() throws Exception {
    server.stubFor(post(PATH).willReturn(okJson(OpenAiFixtures.PLAIN_ANSWER)));

    provider(ApiKeyPool.empty("acme"), false).complete(ask("Hello!"));

    server.verify(postRequestedFor(urlEqualTo(PATH)).withHeader("Authorization", absent()));
  }

  @Test
  void rateLimitHeadersOfASuccessfulAnswerAreParsed() throws Exception {
    server.stubFor(
        post(PATH)
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withHeader("x-ratelimit-limit-requests", "5000")
                    .withHeader("x-ratelimit-remaining-requests", "4999")
                    .withHeader("x-ratelimit-reset-requests", "12ms")
                    .withHeader("x-ratelimit-limit-tokens", "160000")
                    .withHeader("x-ratelimit-remaining-tokens", "159976")
                    .withHeader("x-ratelimit-reset-tokens", "6m0s")
                    .withBody(OpenAiFixtures.PLAIN_ANSWER)));

    ChatResponse response = provider().complete(ask("Hello!"));

    assertThat(response.rateLimits().limitRequests()).isEqualTo(5000);
    assertThat(response.rateLimits().remainingRequests()).isEqualTo(4999);
    assertThat(response.rateLimits().resetRequests()).isEqualTo(Duration.ofMillis(12));
    assertThat(response.rateLimits().limitTokens()).isEqualTo(160000);
    assertThat(response.rateLimits().remainingTokens()).isEqualTo(159976);
    assertThat(response.rateLimits().resetTokens()).isEqualTo(Duration.ofMinutes(6));
    assertThat(response.rateLimits().retryAfter()).isNull();
  }

  @Test
  void baseUrlWithTrailingSlashStillPostsToChatCompletions() throws Exception {
    server.stubFor(post(PATH).willReturn(okJson(OpenAiFixtures.PLAIN_ANSWER)));
    ProviderSpec spec =
        new ProviderSpec(
            "acme", "openai-compatible", server.baseUrl() + "/v1/", List.of(), null, false);
    provider = new OpenAiCompatibleProvider(spec, ApiKeyPool.empty("acme"));

    assertThat(provider.complete(ask("Hello!")).text()).startsWith("Hello!");
  }
}

package io.promptyard.providers.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.providers.ProviderException;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.ResponseFormat;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.ToolCall;
import io.promptyard.schemas.ToolDefinition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the adapter sends to POST /v1/messages, read back from the request WireMock received. */
class AnthropicRequestMappingTest {

  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "sk-ant-api03-test-0123456789";
  private static final ToolDefinition WEATHER =
      new ToolDefinition(
          "get_weather",
          "Current weather for a city",
          "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");

  @BeforeEach
  void answerEveryCall() {
    wm.stubFor(
        post(urlEqualTo("/v1/messages"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        """
            {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
             "content": [{"type": "text", "text": "ok"}], "stop_reason": "end_turn", "stop_sequence": null,
             "usage": {"input_tokens": 5, "output_tokens": 1}}""")));
  }

  private static AnthropicProvider provider(Map<String, String> options) {
    ProviderSpec spec =
        new ProviderSpec(
            "anthropic",
            "anthropic",
            wm.baseUrl() + "/",
            List.of("ANTHROPIC_API_KEY"),
            null,
            true,
            options);
    return new AnthropicProvider(
        spec, ApiKeyPool.of("anthropic", List.of(KEY)), HttpTimeouts.DEFAULTS);
  }

  private static JsonNode sent(Parameters p, Message... messages) throws Exception {
    provider(Map.of())
        .complete(new ChatRequest("req-map", "claude-haiku-4-5", List.of(messages), p));
    List<LoggedRequest> requests = wm.findAll(postRequestedFor(urlEqualTo("/v1/messages")));
    return JSON.readTree(requests.get(requests.size() - 1).getBodyAsString());
  }

  private static Message msg(Role role, String text) {
    return Message.newBuilder().setRole(role).setText(text).build();
  }

  @Test
  void keyGoesInXApiKeyWithTheConfiguredAnthropicVersionAndNoBearerHeader() throws Exception {
    provider(Map.of("anthropicVersion", "2099-01-01"))
        .complete(
            new ChatRequest("req-map", "claude-haiku-4-5", List.of(msg(Role.USER, "hi")), null));

    wm.verify(
        postRequestedFor(urlEqualTo("/v1/messages"))
            .withHeader("x-api-key", equalTo(KEY))
            .withHeader("anthropic-version", equalTo("2099-01-01"))
            .withHeader("content-type", equalTo("application/json"))
            .withHeader("Authorization", absent()));
  }

  @Test
  void systemAndDeveloperMessagesBecomeTheTopLevelSystemPrompt() throws Exception {
    JsonNode body =
        sent(
            null,
            msg(Role.SYSTEM, "Be brief."),
            msg(Role.USER, "hi"),
            msg(Role.DEVELOPER, "Answer in French."));

    assertThat(body.path("system"))
        .isEqualTo(
            JSON.readTree(
                "[{\"type\":\"text\",\"text\":\"Be brief.\"},{\"type\":\"text\",\"text\":\"Answer in French.\"}]"));
    assertThat(body.path("messages"))
        .isEqualTo(
            JSON.readTree(
                "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]"));
  }

  @Test
  void oneSystemMessageIsAPlainSystemString() throws Exception {
    JsonNode body = sent(null, msg(Role.SYSTEM, "Be brief."), msg(Role.USER, "hi"));

    assertThat(body.path("system").asText()).isEqualTo("Be brief.");
  }

  @Test
  void requestWithoutMaxTokensGetsTheConfiguredDefaultBecauseAnthropicRequiresOne()
      throws Exception {
    assertThat(sent(null, msg(Role.USER, "hi")).path("max_tokens").asInt()).isEqualTo(4096);
    assertThat(
            sent(Parameters.newBuilder().setMaxTokens(100).build(), msg(Role.USER, "hi"))
                .path("max_tokens")
                .asInt())
        .isEqualTo(100);

    provider(Map.of("defaultMaxTokens", "1024"))
        .complete(new ChatRequest("req-map", "m", List.of(msg(Role.USER, "hi")), null));
    List<LoggedRequest> requests = wm.findAll(postRequestedFor(urlEqualTo("/v1/messages")));
    assertThat(
            JSON.readTree(requests.get(requests.size() - 1).getBodyAsString())
                .path("max_tokens")
                .asInt())
        .isEqualTo(1024);
  }

  @Test
  void samplingParametersAreSentStopBecomesStopSequencesAndSeedIsIgnored() throws Exception {
    Parameters p =
        Parameters.newBuilder()
            .setTemperature(0.2)
            .setTopP(0.9)
            .setStop(List.of("END", "\n\n"))
            .setSeed(42L)
            .build();

    JsonNode body = sent(p, msg(Role.USER, "hi"));

    assertThat(body.path("temperature").asDouble()).isEqualTo(0.2);
    assertThat(body.path("top_p").asDouble()).isEqualTo(0.9);
    assertThat(body.path("stop_sequences")).isEqualTo(JSON.readTree("[\"END\",\"\\n\\n\"]"));
    assertThat(body.has("seed")).isFalse();
    assertThat(body.has("stop")).isFalse();
    assertThat(body.has("stream")).isFalse();
  }

  @Test
  void toolCallsBecomeToolUseBlocksAndConsecutiveToolResultsOneUserTurn() throws Exception {
    Message assistant =
        Message.newBuilder()
            .setRole(Role.ASSISTANT)
            .setText("Checking both.")
            .setToolCalls(
                List.of(
                    ToolCall.newBuilder()
                        .setId("toolu_1")
                        .setName("get_weather")
                        .setArguments("{\"city\":\"Oslo\"}")
                        .build(),
                    ToolCall.newBuilder()
                        .setId("toolu_2")
                        .setName("get_weather")
                        .setArguments("")
                        .build()))
            .build();
    Message result1 =
        Message.newBuilder().setRole(Role.TOOL).setToolCallId("toolu_1").setText("-3 °C").build();
    Message result2 =
        Message.newBuilder().setRole(Role.TOOL).setToolCallId("toolu_2").setText("12 °C").build();

    JsonNode body =
        sent(
            Parameters.newBuilder().setTools(List.of(WEATHER)).build(),
            msg(Role.USER, "Weather in Oslo and Lisbon?"),
            assistant,
            result1,
            result2,
            msg(Role.USER, "Which is warmer?"));

    assertThat(body.path("messages"))
        .isEqualTo(
            JSON.readTree(
                """
        [{"role": "user", "content": [{"type": "text", "text": "Weather in Oslo and Lisbon?"}]},
         {"role": "assistant", "content": [
           {"type": "text", "text": "Checking both."},
           {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Oslo"}},
           {"type": "tool_use", "id": "toolu_2", "name": "get_weather", "input": {}}]},
         {"role": "user", "content": [
           {"type": "tool_result", "tool_use_id": "toolu_1", "content": [{"type": "text", "text": "-3 °C"}]},
           {"type": "tool_result", "tool_use_id": "toolu_2", "content": [{"type": "text", "text": "12 °C"}]},
           {"type": "text", "text": "Which is warmer?"}]}]"""));
  }

  @Test
  void consecutiveUserMessagesAreMergedBecauseRolesMustAlternate() throws Exception {
    JsonNode body =
        sent(
            null,
            msg(Role.USER, "first"),
            msg(Role.USER, "second"),
            msg(Role.ASSISTANT, "ok"),
            msg(Role.ASSISTANT, "and more"));

    assertThat(body.path("messages"))
        .isEqualTo(
            JSON.readTree(
                """
        [{"role": "user", "content": [{"type": "text", "text": "first"}, {"type": "text", "text": "second"}]},
         {"role": "assistant", "content": [{"type": "text", "text": "ok"}, {"type": "text", "text": "and more"}]}]"""));
  }

  @Test
  void imagePartsBecomeBase64SourcesForDataUrlsAndUrlSourcesForHttps() throws Exception {
    Message user =
        Message.newBuilder()
            .setRole(Role.USER)
            .setParts(
                List.of(
                    ContentPart.newBuilder().setType("text").setText("Compare").build(),
                    ContentPart.newBuilder()
                        .setType("image_url")
                        .setImageUrl("data:image/png;base64,iVBORw0KGgo=")
                        .setDetail("high")
                        .build(),
                    ContentPart.newBuilder()
                        .setType("image_url")
                        .setImageUrl("https://example.com/cat.jpg")
                        .build()))
            .build();

    JsonNode content = sent(null, user).path("messages").path(0).path("content");

    assertThat(content)
        .isEqualTo(
            JSON.readTree(
                """
        [{"type": "text", "text": "Compare"},
         {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
         {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}}]"""));
  }

  @Test
  void toolsGetAnInputSchemaAndToolChoiceModesAreAnthropicObjects() throws Exception {
    ToolDefinition now = ToolDefinition.newBuilder().setName("now").build();
    Map<String, String> expected =
        Map.of(
            "auto", "{\"type\":\"auto\"}",
            "none", "{\"type\":\"none\"}",
            "required", "{\"type\":\"any\"}",
            "now", "{\"type\":\"tool\",\"name\":\"now\"}");
    for (var e : expected.entrySet()) {
      JsonNode body =
          sent(
              Parameters.newBuilder()
                  .setTools(List.of(WEATHER, now))
                  .setToolChoice(e.getKey())
                  .build(),
              msg(Role.USER, "hi"));

      assertThat(body.path("tool_choice")).as(e.getKey()).isEqualTo(JSON.readTree(e.getValue()));
      assertThat(body.path("tools"))
          .isEqualTo(
              JSON.readTree(
                  """
          [{"name": "get_weather", "description": "Current weather for a city",
            "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}},
           {"name": "now", "input_schema": {"type": "object", "properties": {}}}]"""));
    }
  }

  @Test
  void jsonSchemaOutputIsOneToolNamedAfterTheSchemaThatTheModelMustCall() throws Exception {
    ResponseFormat format =
        ResponseFormat.newBuilder()
            .setType("json_schema")
            .setSchemaName("city info")
            .setSchemaJson(
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}")
            .build();

    JsonNode body =
        sent(Parameters.newBuilder().setResponseFormat(format).build(), msg(Role.USER, "A city?"));

    assertThat(body.path("tools")).hasSize(1);
    assertThat(body.path("tools").path(0).path("name").asText()).isEqualTo("city_info");
    assertThat(body.path("tools").path(0).path("input_schema"))
        .isEqualTo(JSON.readTree(format.getSchemaJson()));
    assertThat(body.path("tool_choice"))
        .isEqualTo(JSON.readTree("{\"type\":\"tool\",\"name\":\"city_info\"}"));
    assertThat(body.has("response_format")).isFalse();
  }

  @Test
  void jsonModeIsAnAnswerToolTakingAnyObject() throws Exception {
    JsonNode body =
        sent(
            Parameters.newBuilder()
                .setResponseFormat(ResponseFormat.newBuilder().setType("json_object").build())
                .build(),
            msg(Role.USER, "JSON please"));

    assertThat(body.path("tools").path(0).path("input_schema"))
        .isEqualTo(JSON.readTree("{\"type\":\"object\",\"additionalProperties\":true}"));
    assertThat(body.path("tool_choice"))
        .isEqualTo(JSON.readTree("{\"type\":\"tool\",\"name\":\"json_response\"}"));
  }

  @Test
  void structuredOutputAlongsideCallerToolsLetsTheModelCallAnyOfThem() throws Exception {
    ResponseFormat format = ResponseFormat.newBuilder().setType("json_object").build();

    JsonNode body =
        sent(
            Parameters.newBuilder().setTools(List.of(WEATHER)).setResponseFormat(format).build(),
            msg(Role.USER, "hi"));

    assertThat(body.path("tools"))
        .extracting(t -> t.path("name").asText())
        .containsExactly("get_weather", "json_response");
    assertThat(body.path("tool_choice")).isEqualTo(JSON.readTree("{\"type\":\"any\"}"));
  }

  @Test
  void requestsAnthropicCannotTakeFailBeforeAnyHttpCallNamingTheField() {
    Message bmp =
        Message.newBuilder()
            .setRole(Role.USER)
            .setParts(
                List.of(
                    ContentPart.newBuilder()
                        .setType("image_url")
                        .setImageUrl("data:image/bmp;base64,Qk0=")
                        .build()))
            .build();
    ResponseFormat arraySchema =
        ResponseFormat.newBuilder()
            .setType("json_schema")
            .setSchemaJson("{\"type\":\"array\"}")
            .build();
    Map<String, ChatRequest> cases =
        Map.of(
            "image/bmp", new ChatRequest("req-bad", "m", List.of(bmp), null),
            "object schema",
                new ChatRequest(
                    "req-bad",
                    "m",
                    List.of(msg(Role.USER, "hi")),
                    Parameters.newBuilder().setResponseFormat(arraySchema).build()),
            "'lookup'",
                new ChatRequest(
                    "req-bad",
                    "m",
                    List.of(msg(Role.USER, "hi")),
                    Parameters.newBuilder()
                        .setTools(List.of(WEATHER))
                        .setToolChoice("lookup")
                        .build()),
            "toolCallId", new ChatRequest("req-bad", "m", List.of(msg(Role.TOOL, "orphan")), null));
    int before = wm.findAll(postRequestedFor(urlEqualTo("/v1/messages"))).size();

    cases.forEach(
        (field, request) -> {
          ProviderException e =
              catchThrowableOfType(
                  ProviderException.class, () -> provider(Map.of()).complete(request));
          assertThat(e).as(field).isNotNull();
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
          assertThat(e.retryable()).isFalse();
          assertThat(e.getMessage()).contains(field).contains("req-bad");
        });
    assertThat(wm.findAll(postRequestedFor(urlEqualTo("/v1/messages")))).hasSize(before);
  }
}

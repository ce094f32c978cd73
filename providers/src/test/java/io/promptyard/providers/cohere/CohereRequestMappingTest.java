package io.promptyard.providers.cohere;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.promptyard.providers.cohere.CohereServer.answer;
import static io.promptyard.providers.cohere.CohereServer.ask;
import static io.promptyard.providers.cohere.CohereServer.json;
import static io.promptyard.providers.cohere.CohereServer.sentBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.promptyard.providers.ChatRequest;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the adapter sends to {@code POST /v2/chat}, read back from the server. */
class CohereRequestMappingTest {

  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final ToolDefinition WEATHER =
      new ToolDefinition(
          "get_weather",
          "Current weather for a city",
          "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");
  private static final ToolDefinition TIME = ToolDefinition.newBuilder().setName("now").build();

  @BeforeEach
  void answerEverything() {
    server.stubFor(
        post(CohereServer.PATH)
            .willReturn(
                okJson(
                    answer(
                        "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}",
                        "COMPLETE"))));
  }

  private JsonNode send(ChatRequest request) throws Exception {
    try (CohereProvider provider = CohereServer.provider(server)) {
      provider.complete(request);
    }
    return sentBody(server);
  }

  private JsonNode send(Parameters p) throws Exception {
    return send(ask("hi", p));
  }

  private ProviderException refused(ChatRequest request) {
    try (CohereProvider provider = CohereServer.provider(server)) {
      return catchThrowableOfType(ProviderException.class, () -> provider.complete(request));
    }
  }

  @Test
  void postsToV2ChatWithABearerKeyUnderATrailingSlashBaseUrl() throws Exception {
    send(ask("hi", null));

    server.verify(
        postRequestedFor(urlEqualTo("/v2/chat"))
            .withHeader("Authorization", equalTo("Bearer " + CohereServer.KEY))
            .withHeader("Content-Type", equalTo("application/json")));
  }

  @Test
  void conversationMapsEveryRoleAndDeveloperBecomesSystem() throws Exception {
    List<Message> messages =
        List.of(
            Message.newBuilder().setRole(Role.SYSTEM).setText("Be brief.").build(),
            Message.newBuilder().setRole(Role.DEVELOPER).setText("Answer in French.").build(),
            Message.newBuilder()
                .setRole(Role.USER)
                .setText("Weather in Oslo?")
                .setName("ana")
                .build(),
            Message.newBuilder()
                .setRole(Role.ASSISTANT)
                .setText("I will look up the weather in Oslo.")
                .setToolCalls(
                    List.of(
                        ToolCall.newBuilder()
                            .setId("get_weather_1")
                            .setName("get_weather")
                            .setArguments("{\"city\":\"Oslo\"}")
                            .build()))
                .build(),
            Message.newBuilder()
                .setRole(Role.TOOL)
                .setToolCallId("get_weather_1")
                .setText("{\"temp_c\":4}")
                .build(),
            Message.newBuilder().setRole(Role.ASSISTANT).setText("Il fait 4 °C.").build());

    JsonNode sent = send(new ChatRequest("req-1", "command-a-03-2025", messages, null));

    assertThat(sent.path("model").asText()).isEqualTo("command-a-03-2025");
    assertThat(sent.path("stream").asBoolean(true)).isFalse();
    assertThat(sent.path("messages"))
        .isEqualTo(
            json(
                """
        [{"role": "system", "content": "Be brief."},
         {"role": "system", "content": "Answer in French."},
         {"role": "user", "content": "Weather in Oslo?"},
         {"role": "assistant", "tool_plan": "I will look up the weather in Oslo.",
          "tool_calls": [{"id": "get_weather_1", "type": "function",
                          "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Oslo\\"}"}}]},
         {"role": "tool", "tool_call_id": "get_weather_1", "content": "{\\"temp_c\\":4}"},
         {"role": "assistant", "content": "Il fait 4 °C."}]"""));
  }

  @Test
  void textAndImagePartsBecomeContentBlocks() throws Exception {
    Message m =
        Message.newBuilder()
            .setRole(Role.USER)
            .setParts(
                List.of(
                    ContentPart.newBuilder()
                        .setType("text")
                        .setText("What is in this image?")
                        .build(),
                    ContentPart.newBuilder()
                        .setType("image_url")
                        .setImageUrl("data:image/png;base64,iVBORw0KGgo=")
                        .setDetail("low")
                        .build()))
            .build();

    JsonNode sent = send(new ChatRequest("req-1", "command-a-vision-07-2025", List.of(m), null));

    assertThat(sent.path("messages").path(0).path("content"))
        .isEqualTo(
            json(
                """
        [{"type": "text", "text": "What is in this image?"},
         {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo=", "detail": "low"}}]"""));
  }

  @Test
  void imageInASystemMessageIsRefusedBeforeAnyCall() {
    Message m =
        Message.newBuilder()
            .setRole(Role.SYSTEM)
            .setParts(
                List.of(
                    ContentPart.newBuilder()
                        .setType("image_url")
                        .setImageUrl("https://example.com/a.png")
                        .build()))
            .build();

    ProviderException e =
        refused(
            new ChatRequest(
                "req-1", "command-a-03-2025", List.of(m, CohereServer.user("hi")), null));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("system message", "image_url");
    assertThat(server.getAllServeEvents()).isEmpty();
  }

  @Test
  void samplingParametersUseCoheresNames() throws Exception {
    JsonNode sent =
        send(
            Parameters.newBuilder()
                .setTemperature(0.2)
                .setTopP(0.9)
                .setMaxTokens(300)
                .setStop(List.of("END", "\n\n"))
                .setSeed(42L)
                .build());

    assertThat(sent.path("temperature").asDouble()).isEqualTo(0.2);
    assertThat(sent.path("p").asDouble()).isEqualTo(0.9);
    assertThat(sent.path("max_tokens").asInt()).isEqualTo(300);
    assertThat(sent.path("stop_sequences")).isEqualTo(json("[\"END\", \"\\n\\n\"]"));
    assertThat(sent.path("seed").asLong()).isEqualTo(42L);
    assertThat(sent.has("top_p")).isFalse();
    assertThat(sent.has("stop")).isFalse();
  }

  @Test
  void topPAtTheEdgesIsSentAsTheNearestValueCohereAccepts() throws Exception {
    assertThat(send(Parameters.newBuilder().setTopP(1.0).build()).path("p").asDouble())
        .isEqualTo(0.99);
    server.resetRequests();
    assertThat(send(Parameters.newBuilder().setTopP(0.0).build()).path("p").asDouble())
        .isEqualTo(0.01);
  }

  @Test
  void temperatureAboveCoheresRangeIsRefusedBeforeAnyCall() {
    ProviderException e = refused(ask("hi", Parameters.newBuilder().setTemperature(1.5).build()));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.retryable()).isFalse();
    assertThat(e.providerStatus()).isNull();
    assertThat(e.getMessage()).contains("temperature 1.5", "0 to 1", "req-co-1");
    assertThat(server.getAllServeEvents()).isEmpty();
  }

  @Test
  void toolsAreFunctionsAndAToolWithoutParametersTakesAnEmptyObject() throws Exception {
    JsonNode sent = send(Parameters.newBuilder().setTools(List.of(WEATHER, TIME)).build());

    assertThat(sent.path("tools"))
        .isEqualTo(
            json(
                """
        [{"type": "function", "function": {"name": "get_weather", "description": "Current weather for a city",
          "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}},
         {"type": "function", "function": {"name": "now", "parameters": {"type": "object", "properties": {}}}}]"""));
    assertThat(sent.has("tool_choice")).isFalse();
  }

  @Test
  void toolChoiceModesBecomeCoheresUpperCaseModesAndAutoIsLeftOut() throws Exception {
    assertThat(
            send(Parameters.newBuilder().setTools(List.of(WEATHER)).setToolChoice("auto").build())
                .has("tool_choice"))
        .isFalse();
    server.resetRequests();
    assertThat(
            send(Parameters.newBuilder().setTools(List.of(WEATHER)).setToolChoice("none").build())
                .path("tool_choice")
                .asText())
        .isEqualTo("NONE");
    server.resetRequests();
    assertThat(
            send(Parameters.newBuilder()
                    .setTools(List.of(WEATHER))
                    .setToolChoice("required")
                    .build())
                .path("tool_choice")
                .asText())
        .isEqualTo("REQUIRED");
  }

  @Test
  void aNamedToolChoiceIsRequiredWithOnlyThatToolOffered() throws Exception {
    JsonNode sent =
        send(Parameters.newBuilder().setTools(List.of(WEATHER, TIME)).setToolChoice("now").build());

    assertThat(sent.path("tool_choice").asText()).isEqualTo("REQUIRED");
    assertThat(sent.path("tools")).hasSize(1);
    assertThat(sent.path("tools").path(0).path("function").path("name").asText()).isEqualTo("now");
  }

  @Test
  void aToolChoiceNamingAnUnknownToolIsRefusedBeforeAnyCall() {
    ProviderException e =
        refused(
            ask(
                "hi",
                Parameters.newBuilder()
                    .setTools(List.of(WEATHER))
                    .setToolChoice("get_time")
                    .build()));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.getMessage()).contains("get_time");
    assertThat(server.getAllServeEvents()).isEmpty();
  }

  @Test
  void jsonSchemaIsSentAsJsonObjectWithTheSchema() throws Exception {
    String schema =
        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}";
    JsonNode sent =
        send(
            Parameters.newBuilder()
                .setResponseFormat(
                    ResponseFormat.newBuilder()
                        .setType("json_schema")
                        .setSchemaName("place")
                        .setStrict(true)
                        .setSchemaJson(schema)
                        .build())
                .build());

    assertThat(sent.path("response_format"))
        .isEqualTo(json("{\"type\": \"json_object\", \"json_schema\": " + schema + "}"));
  }

  @Test
  void jsonModeIsJsonObjectAndTextFormatIsLeftOut() throws Exception {
    JsonNode sent =
        send(
            Parameters.newBuilder()
                .setResponseFormat(ResponseFormat.newBuilder().setType("json_object").build())
                .build());
    assertThat(sent.path("response_format")).isEqualTo(json("{\"type\": \"json_object\"}"));
    server.resetRequests();

    JsonNode text =
        send(
            Parameters.newBuilder()
                .setResponseFormat(ResponseFormat.newBuilder().setType("text").build())
                .build());
    assertThat(text.has("response_format")).isFalse();
  }

  @Test
  void aSchemaThatIsNotJsonIsRefusedBeforeAnyCall() {
    ProviderException e =
        refused(
            ask(
                "hi",
                Parameters.newBuilder()
                    .setResponseFormat(
                        ResponseFormat.newBuilder()
                            .setType("json_schema")
                            .setSchemaJson("{not json")
                            .build())
                    .build()));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.getMessage()).contains("schemaJson");
    assertThat(server.getAllServeEvents()).isEmpty();
  }
}

package io.promptyard.providers.gemini;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the adapter sends to Gemini, asserted on the JSON the server received. */
class GeminiRequestMappingTest {

  static final String KEY = "AIzaSyTESTtestTESTtest0123456789abcd";
  static final String ANSWER =
      """
      {"candidates": [{"content": {"parts": [{"text": "ok"}], "role": "model"}, "finishReason": "STOP", "index": 0}],
       "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 1, "totalTokenCount": 4}, "modelVersion": "gemini-2.5-flash"}""";

  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final ObjectMapper json = new ObjectMapper();

  private GeminiProvider provider(Map<String, String> options) {
    ProviderSpec spec =
        new ProviderSpec(
            "gemini",
            "gemini",
            server.baseUrl() + "/",
            List.of("GEMINI_API_KEY"),
            null,
            true,
            options);
    return new GeminiProvider(
        spec,
        ApiKeyPool.of("gemini", List.of(KEY)),
        new HttpTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)));
  }

  private JsonNode sent(Parameters p, Message... messages) throws Exception {
    server.stubFor(post(urlPathMatching("/v1beta/models/.*")).willReturn(okJson(ANSWER)));
    provider(Map.of())
        .complete(new ChatRequest("req-map", "gemini-2.5-flash", List.of(messages), p));
    List<LoggedRequest> requests =
        server.findAll(postRequestedFor(urlPathMatching("/v1beta/models/.*")));
    return json.readTree(requests.get(requests.size() - 1).getBodyAsString());
  }

  private ErrorCode refused(Parameters p, Message... messages) {
    server.stubFor(post(urlPathMatching("/.*")).willReturn(okJson(ANSWER)));
    ProviderException e =
        catchThrowableOfType(
            ProviderException.class,
            () ->
                provider(Map.of())
                    .complete(
                        new ChatRequest("req-map", "gemini-2.5-flash", List.of(messages), p)));
    assertThat(server.findAll(postRequestedFor(urlPathMatching("/.*"))))
        .as("no HTTP call for an unsendable request")
        .isEmpty();
    assertThat(e.retryable()).isFalse();
    return e.code();
  }

  private static Message msg(Role role, String text) {
    return Message.newBuilder().setRole(role).setText(text).build();
  }

  @Test
  void keyTravelsInTheGoogHeaderAndNeverInTheUrl() throws Exception {
    sent(null, msg(Role.USER, "hi"));

    LoggedRequest request = server.findAll(postRequestedFor(urlPathMatching("/.*"))).get(0);
    assertThat(request.getUrl())
        .isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent")
        .doesNotContain(KEY);
    assertThat(request.getHeader("x-goog-api-key")).isEqualTo(KEY);
    assertThat(request.containsHeader("Authorization")).isFalse();
  }

  @Test
  void apiVersionOptionAndTunedModelNamesShapeTheUrl() throws Exception {
    server.stubFor(post(urlPathMatching("/.*")).willReturn(okJson(ANSWER)));

    provider(Map.of("apiVersion", "v1"))
        .complete(
            new ChatRequest("r", "models/gemini-2.5-pro", List.of(msg(Role.USER, "hi")), null));
    provider(Map.of())
        .complete(
            new ChatRequest("r", "tunedModels/my-tune-42", List.of(msg(Role.USER, "hi")), null));

    server.verify(postRequestedFor(urlEqualTo("/v1/models/gemini-2.5-pro:generateContent")));
    server.verify(postRequestedFor(urlEqualTo("/v1beta/tunedModels/my-tune-42:generateContent")));
  }

  @Test
  void systemAndDeveloperMessagesBecomeTheSystemInstructionAndAssistantIsModel() throws Exception {
    JsonNode body =
        sent(
            null,
            msg(Role.SYSTEM, "Be brief."),
            msg(Role.DEVELOPER, "Answer in French."),
            msg(Role.USER, "Hi"),
            msg(Role.ASSISTANT, "Bonjour"),
            msg(Role.USER, "Capital of Peru?"));

    assertThat(body.path("systemInstruction"))
        .isEqualTo(
            json.readTree(
                "{\"parts\":[{\"text\":\"Be brief.\"},{\"text\":\"Answer in French.\"}]}"));
    assertThat(body.path("contents"))
        .isEqualTo(
            json.readTree(
                """
        [{"role":"user","parts":[{"text":"Hi"}]},{"role":"model","parts":[{"text":"Bonjour"}]},
         {"role":"user","parts":[{"text":"Capital of Peru?"}]}]"""));
  }

  @Test
  void dataUrlImagesGoInlineAndHttpsImagesByReference() throws Exception {
    Message m =
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
                        .setImageUrl("https://example.com/cat.JPG?size=large")
                        .build()))
            .build();

    JsonNode parts = sent(null, m).path("contents").path(0).path("parts");

    assertThat(parts)
        .isEqualTo(
            json.readTree(
                """
        [{"text":"Compare"},{"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}},
         {"fileData":{"mimeType":"image/jpeg","fileUri":"https://example.com/cat.JPG?size=large"}}]"""));
  }

  @Test
  void plainHttpImageIsRefusedBeforeAnyCall() {
    Message m =
        Message.newBuilder()
            .setRole(Role.USER)
            .setParts(
                List.of(
                    ContentPart.newBuilder()
                        .setType("image_url")
                        .setImageUrl("http://example.com/cat.png")
                        .build()))
            .build();

    assertThat(refused(null, m)).isEqualTo(ErrorCode.INVALID_REQUEST);
  }

  @Test
  void toolCallsAndTheirAnswersBecomeFunctionCallAndFunctionResponseParts() throws Exception {
    Message calling =
        Message.newBuilder()
            .setRole(Role.ASSISTANT)
            .setToolCalls(
                List.of(
                    ToolCall.newBuilder()
                        .setId("call_0")
                        .setName("get_weather")
                        .setArguments("{\"city\":\"Oslo\"}")
                        .build(),
                    ToolCall.newBuilder()
                        .setId("call_1")
                        .setName("get_time")
                        .setArguments("{\"tz\":\"CET\"}")
                        .build()))
            .build();
    Message weather =
        Message.newBuilder()
            .setRole(Role.TOOL)
            .setToolCallId("call_0")
            .setText("{\"celsius\":-3}")
            .build();
    Message time =
        Message.newBuilder().setRole(Role.TOOL).setToolCallId("call_1").setText("14:05").build();

    JsonNode contents =
        sent(null, msg(Role.USER, "Weather and time in Oslo?"), calling, weather, time)
            .path("contents");

    assertThat(contents.path(1))
        .isEqualTo(
            json.readTree(
                """
        {"role":"model","parts":[
          {"functionCall":{"name":"get_weather","args":{"city":"Oslo"}},"thoughtSignature":"skip_thought_signature_validator"},
          {"functionCall":{"name":"get_time","args":{"tz":"CET"}}}]}"""));
    // both answers in one user turn, each named after the call it answers; non-object output
    // wrapped
    assertThat(contents.path(2))
        .isEqualTo(
            json.readTree(
                """
        {"role":"user","parts":[
          {"functionResponse":{"name":"get_weather","response":{"celsius":-3}}},
          {"functionResponse":{"name":"get_time","response":{"output":"14:05"}}}]}"""));
    assertThat(contents).hasSize(3);
  }

  @Test
  void toolAnswerToAnUnknownCallIsRefused() {
    Message orphan =
        Message.newBuilder().setRole(Role.TOOL).setToolCallId("call_9").setText("42").build();

    assertThat(refused(null, msg(Role.USER, "hi"), orphan)).isEqualTo(ErrorCode.INVALID_REQUEST);
  }

  @Test
  void toolsAreFunctionDeclarationsWithJsonSchemaAndToolChoiceIsTheCallingMode() throws Exception {
    String schema =
        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"],\"additionalProperties\":false}";
    List<ToolDefinition> tools =
        List.of(
            new ToolDefinition("get_weather", "Weather now", schema),
            new ToolDefinition("now", null, null));
    Map<String, String> modes =
        Map.of(
            "auto",
            "{\"mode\":\"AUTO\"}",
            "none",
            "{\"mode\":\"NONE\"}",
            "required",
            "{\"mode\":\"ANY\"}",
            "get_weather",
            "{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"get_weather\"]}");

    for (Map.Entry<String, String> mode : modes.entrySet()) {
      JsonNode body =
          sent(
              Parameters.newBuilder().setTools(tools).setToolChoice(mode.getKey()).build(),
              msg(Role.USER, "hi"));

      assertThat(body.path("tools"))
          .isEqualTo(
              json.readTree(
                  "[{\"functionDeclarations\":[{\"name\":\"get_weather\","
                      + "\"description\":\"Weather now\",\"parametersJsonSchema\":"
                      + schema
                      + "},{\"name\":\"now\"}]}]"));
      assertThat(body.path("toolConfig").path("functionCallingConfig"))
          .as(mode.getKey())
          .isEqualTo(json.readTree(mode.getValue()));
    }
  }

  @Test
  void toolChoiceNamingAnAbsentFunctionIsRefused() {
    Parameters p =
        Parameters.newBuilder()
            .setTools(List.of(new ToolDefinition("now", null, null)))
            .setToolChoice("get_weather")
            .build();

    assertThat(refused(p, msg(Role.USER, "hi"))).isEqualTo(ErrorCode.INVALID_REQUEST);
  }

  @Test
  void samplingParametersGoInTheGenerationConfig() throws Exception {
    Parameters p =
        Parameters.newBuilder()
            .setTemperature(0.2)
            .setTopP(0.9)
            .setMaxTokens(256)
            .setStop(List.of("END", "\n\n"))
            .setSeed(42L)
            .build();

    JsonNode config = sent(p, msg(Role.USER, "hi")).path("generationConfig");

    assertThat(config)
        .isEqualTo(
            json.readTree(
                "{\"temperature\":0.2,\"topP\":0.9,\"maxOutputTokens\":256,\"stopSequences\":[\"END\",\"\\n\\n\"],\"seed\":42}"));
  }

  @Test
  void moreThanFiveStopSequencesAreRefusedBeforeAnyCall() {
    Parameters p = Parameters.newBuilder().setStop(List.of("a", "b", "c", "d", "e", "f")).build();

    assertThat(refused(p, msg(Role.USER, "hi"))).isEqualTo(ErrorCode.INVALID_REQUEST);
  }

  @Test
  void jsonModeSetsTheMimeTypeAndASchemaGoesInResponseJsonSchema() throws Exception {
    String schema =
        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}";

    JsonNode jsonMode =
        sent(
                Parameters.newBuilder()
                    .setResponseFormat(ResponseFormat.newBuilder().setType("json_object").build())
                    .build(),
                msg(Role.USER, "hi"))
            .path("generationConfig");
    JsonNode withSchema =
        sent(
                Parameters.newBuilder()
                    .setResponseFormat(
                        ResponseFormat.newBuilder()
                            .setType("json_schema")
                            .setSchemaName("place")
                            .setSchemaJson(schema)
                            .setStrict(true)
                            .build())
                    .build(),
                msg(Role.USER, "hi"))
            .path("generationConfig");

    assertThat(jsonMode).isEqualTo(json.readTree("{\"responseMimeType\":\"application/json\"}"));
    assertThat(withSchema)
        .isEqualTo(
            json.readTree(
                "{\"responseMimeType\":\"application/json\",\"responseJsonSchema\":"
                    + schema
                    + "}"));
  }

  @Test
  void streamingCallsStreamGenerateContentWithAltSse() throws Exception {
    server.stubFor(
        post(urlEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"))
            .willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "text/event-stream")
                    .withBody("data: " + ANSWER.replace("\n", "") + "\n\n")));

    var response =
        provider(Map.of()).stream(
            new ChatRequest("r", "gemini-2.5-flash", List.of(msg(Role.USER, "hi")), null), c -> {});

    assertThat(response.text()).isEqualTo("ok");
    assertThat(
            server
                .findAll(postRequestedFor(urlPathMatching("/.*")))
                .get(0)
                .getHeader("x-goog-api-key"))
        .isEqualTo(KEY);
  }
}

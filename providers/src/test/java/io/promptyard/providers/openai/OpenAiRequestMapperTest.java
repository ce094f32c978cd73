package io.promptyard.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.Failure;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.ResponseFormat;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.ToolDefinition;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiRequestMapperTest {

  private final ObjectMapper json = new ObjectMapper();
  private final OpenAiRequestMapper openAi = new OpenAiRequestMapper(json, OpenAiDialect.OPENAI);
  private final OpenAiRequestMapper compatible =
      new OpenAiRequestMapper(json, OpenAiDialect.COMPATIBLE);

  private static ChatRequest request(Parameters p, Message... messages) {
    return new ChatRequest("req-1", "gpt-4.1-nano", List.of(messages), p);
  }

  private Failure.Unsendable unsendable(OpenAiRequestMapper mapper, ChatRequest request) {
    FailedCall f = catchThrowableOfType(FailedCall.class, () -> mapper.body(request, false));
    assertThat(f).isNotNull();
    return (Failure.Unsendable) f.failure();
  }

  @Test
  void onlyApiOpenAiComIsTheOpenAiDialect() {
    assertThat(OpenAiDialect.of("https://api.openai.com/v1")).isEqualTo(OpenAiDialect.OPENAI);
    assertThat(OpenAiDialect.of("https://API.OpenAI.com/v1/")).isEqualTo(OpenAiDialect.OPENAI);
    assertThat(OpenAiDialect.of("http://127.0.0.1:8089/v1")).isEqualTo(OpenAiDialect.COMPATIBLE);
    assertThat(OpenAiDialect.of("https://api.groq.com/openai/v1"))
        .isEqualTo(OpenAiDialect.COMPATIBLE);
  }

  @Test
  void openAiGetsMaxCompletionTokensAndTheDeveloperRole() throws Exception {
    ObjectNode body =
        openAi.body(
            request(
                Parameters.newBuilder().setMaxTokens(100).build(),
                OpenAiRequests.developer("Be brief.")),
            false);

    assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(100);
    assertThat(body.has("max_tokens")).isFalse();
    assertThat(body.path("messages").path(0).path("role").asText()).isEqualTo("developer");
  }

  @Test
  void compatibleServersGetMaxTokensAndSystemInsteadOfDeveloper() throws Exception {
    ObjectNode body =
        compatible.body(
            request(
                Parameters.newBuilder().setMaxTokens(100).build(),
                OpenAiRequests.developer("Be brief.")),
            false);

    assertThat(body.path("max_tokens").asInt()).isEqualTo(100);
    assertThat(body.has("max_completion_tokens")).isFalse();
    assertThat(body.path("messages").path(0).path("role").asText()).isEqualTo("system");
  }

  @Test
  void toolChoiceModesAreStringsAndAnythingElseNamesAFunction() throws Exception {
    for (String mode : List.of("auto", "none", "required")) {
      ObjectNode body =
          compatible.body(
              request(
                  Parameters.newBuilder().setToolChoice(mode).build(), OpenAiRequests.user("hi")),
              false);
      assertThat(body.path("tool_choice").asText()).isEqualTo(mode);
    }
    ObjectNode body =
        compatible.body(
            request(
                Parameters.newBuilder().setToolChoice("lookup").build(), OpenAiRequests.user("hi")),
            false);
    assertThat(body.path("tool_choice"))
        .isEqualTo(json.readTree("{\"type\":\"function\",\"function\":{\"name\":\"lookup\"}}"));
  }

  @Test
  void toolWithoutParametersIsSentWithoutParameters() throws Exception {
    Parameters p =
        Parameters.newBuilder()
            .setTools(List.of(ToolDefinition.newBuilder().setName("now").build()))
            .build();

    ObjectNode body = compatible.body(request(p, OpenAiRequests.user("time?")), false);

    assertThat(body.path("tools"))
        .isEqualTo(json.readTree("[{\"type\":\"function\",\"function\":{\"name\":\"now\"}}]"));
  }

  @Test
  void jsonSchemaWithoutANameIsNamedResponseAndNotStrictByDefault() throws Exception {
    Parameters p =
        Parameters.newBuilder()
            .setResponseFormat(
                ResponseFormat.newBuilder()
                    .setType("json_schema")
                    .setSchemaJson("{\"type\":\"object\"}")
                    .build())
            .build();

    ObjectNode body = compatible.body(request(p, OpenAiRequests.user("json please")), false);

    assertThat(body.path("response_format"))
        .isEqualTo(
            json.readTree(
                "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"response\",\"schema\":{\"type\":\"object\"},\"strict\":false}}"));
  }

  @Test
  void noParametersMeansOnlyModelAndMessages() throws Exception {
    ObjectNode body = compatible.body(request(null, OpenAiRequests.user("hi")), false);

    assertThat(body)
        .isEqualTo(
            json.readTree(
                "{\"model\":\"gpt-4.1-nano\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
  }

  @Test
  void invalidToolParametersJsonIsUnsendable() {
    Parameters p =
        Parameters.newBuilder()
            .setTools(
                List.of(
                    ToolDefinition.newBuilder()
                        .setName("broken")
                        .setParametersJson("{not json")
                        .build()))
            .build();

    assertThat(unsendable(compatible, request(p, OpenAiRequests.user("hi"))).what())
        .contains("parametersJson of tool broken");
  }

  @Test
  void jsonSchemaWithoutSchemaIsUnsendable() {
    Parameters p =
        Parameters.newBuilder()
            .setResponseFormat(ResponseFormat.newBuilder().setType("json_schema").build())
            .build();

    assertThat(unsendable(compatible, request(p, OpenAiRequests.user("hi"))).what())
        .contains("schemaJson");
  }

  @Test
  void unknownContentPartTypeIsUnsendable() {
    ContentPart audio = ContentPart.newBuilder().setType("input_audio").build();

    assertThat(unsendable(compatible, request(null, OpenAiRequests.userWithParts(audio))).what())
        .contains("input_audio");
  }

  @Test
  void toolMessageWithoutCallIdIsUnsendable() {
    Message tool = Message.newBuilder().setRole(Role.TOOL).setText("42").build();

    assertThat(unsendable(compatible, request(null, tool)).what()).contains("toolCallId");
  }

  @Test
  void unknownResponseFormatIsUnsendable() {
    Parameters p =
        Parameters.newBuilder()
            .setResponseFormat(ResponseFormat.newBuilder().setType("xml").build())
            .build();

    assertThat(unsendable(compatible, request(p, OpenAiRequests.user("hi"))).what())
        .contains("xml");
  }
}

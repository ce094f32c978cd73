package io.promptyard.schemas.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.schemas.ingress.OpenAiParameters.Handling;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every request property of OpenAI's chat-completions API, as the published spec lists it (the test
 * resource), is classified: a property the spec gains fails here until it is carried or refused,
 * never dropped without a word.
 */
class OpenAiParametersTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A value that asks for something, of the type each not-carried property takes. */
  private static String settingFor(String name) {
    return switch (name) {
      case "n", "top_logprobs" -> "3";
      case "presence_penalty", "frequency_penalty" -> "0.5";
      case "logprobs", "store" -> "true";
      case "parallel_tool_calls" -> "false";
      case "service_tier" -> "\"flex\"";
      case "reasoning_effort", "verbosity" -> "\"high\"";
      case "modalities" -> "[\"text\", \"audio\"]";
      case "logit_bias" -> "{\"50256\": -100}";
      case "functions" -> "[{\"name\": \"f\"}]";
      case "function_call", "safety_identifier", "prompt_cache_key", "prompt_cache_retention" ->
          "\"x\"";
      default -> "{\"a\": 1}";
    };
  }

  static List<String> specProperties() throws IOException {
    try (InputStream in =
        OpenAiParametersTest.class.getResourceAsStream(
            "/openai/create-chat-completion-request-properties.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#"))
          .map(l -> l.split(" ")[0])
          .toList();
    }
  }

  @Test
  void everyPropertyOfTheSpecIsClassified() throws IOException {
    List<String> unclassified =
        specProperties().stream().filter(p -> OpenAiParameters.handlingOf(p).isEmpty()).toList();

    assertThat(unclassified).as("spec properties with no Handling in OpenAiParameters").isEmpty();
    assertThat(specProperties()).hasSizeGreaterThan(30);
  }

  @Test
  void everyNotCarriedPropertyIsReportedWhenItAsksForSomething() throws IOException {
    for (String p : specProperties()) {
      if (OpenAiParameters.handlingOf(p).orElseThrow() != Handling.NOT_CARRIED) {
        continue;
      }
      ObjectNode body = body("\"" + p + "\": " + settingFor(p));

      assertThat(OpenAiParameters.uncarried(body)).as(p).containsExactly(p);
    }
  }

  @Test
  void carriedAndHandledPropertiesAreNotReported() throws IOException {
    ObjectNode body =
        body(
            """
            "model": "cheap", "messages": [], "stream": false, "user": "ana",
            "metadata": {"team": "t"}, "temperature": 0.2, "top_p": 0.9, "max_tokens": 5,
            "max_completion_tokens": 5, "stop": "END", "seed": 1, "tools": [],
            "tool_choice": "auto", "response_format": {"type": "text"}""");

    assertThat(OpenAiParameters.uncarried(body)).isEmpty();
  }

  @Test
  void documentedDefaultsThatAskForNothingAndNullsAreTreatedAsAbsent() throws IOException {
    ObjectNode body =
        body(
            """
            "n": 1, "presence_penalty": 0.0, "frequency_penalty": 0, "logprobs": false,
            "parallel_tool_calls": true, "store": false, "service_tier": "auto",
            "logit_bias": null, "reasoning_effort": null""");

    assertThat(OpenAiParameters.uncarried(body)).isEmpty();
  }

  @Test
  void aModelDependentDefaultIsStillRefused() throws IOException {
    assertThat(OpenAiParameters.uncarried(body("\"reasoning_effort\": \"medium\"")))
        .containsExactly("reasoning_effort");
  }

  @Test
  void aFieldTheSpecDoesNotHaveIsReportedAndTheReasonSaysItIsNotAParameter() throws IOException {
    List<String> found = OpenAiParameters.uncarried(body("\"top_k\": 40, \"n\": 2"));

    assertThat(found).containsExactly("top_k", "n");
    assertThat(OpenAiParameters.refusal(found))
        .isEqualTo(
            "'top_k' is not a chat-completions parameter, 'n' is not supported by Promptyard's"
                + " providers; set metadata.drop_params to drop them");
    assertThat(OpenAiParameters.handlingOf("top_k")).isEqualTo(Optional.empty());
  }

  @Test
  void theReasonNamesTheParameterAndTheWayToDropIt() {
    assertThat(OpenAiParameters.refusal(List.of("n")))
        .isEqualTo(
            "'n' is not supported by Promptyard's providers; set metadata.drop_params to drop it");
  }

  @Test
  void aBodyOfThousandsOfMadeUpFieldsGetsAShortReason() throws IOException {
    StringBuilder fields = new StringBuilder("\"f0\": 0");
    for (int i = 1; i < 5000; i++) {
      fields.append(", \"f").append(i).append("\": 0");
    }
    List<String> found = OpenAiParameters.uncarried(body(fields.toString()));

    assertThat(found).hasSize(5000);
    assertThat(OpenAiParameters.refusal(found))
        .endsWith(
            "'f9' is not a chat-completions parameter and 4990 more;"
                + " set metadata.drop_params to drop them")
        .hasSizeLessThan(600);
    assertThat(OpenAiParameters.dropNote(found))
        .isEqualTo(
            "drop_params dropped f0, f1, f2, f3, f4, f5, f6, f7, f8, f9 and 4990 more: not carried"
                + " to Promptyard's providers");
  }

  @Test
  void jsonIngressReportsTheUncarriedFieldsOfTheBodyItReads() {
    JsonIngress.Body read =
        JsonIngress.limitedTo(RequestLimits.defaults())
            .readBody(
                ("{\"model\": \"cheap\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                        + " \"logprobs\": true, \"metadata\": {\"team\": \"t\"}}")
                    .getBytes(StandardCharsets.UTF_8),
                "k");

    assertThat(read.uncarried()).containsExactly("logprobs");
    assertThat(read.request().getTeam()).isEqualTo("t");
  }

  private static ObjectNode body(String fields) throws IOException {
    return (ObjectNode) JSON.readTree("{" + fields + "}");
  }
}

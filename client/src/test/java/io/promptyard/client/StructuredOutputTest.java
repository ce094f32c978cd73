package io.promptyard.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.Output;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.TokenUsage;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StructuredOutputTest {

  /** When the fake answers were made: a fixed instant, as no test reads it. */
  private static final Instant ANSWERED = Instant.parse("2026-03-01T12:00:00Z");

  record Ingredient(String name, double grams) {}

  record Recipe(String title, List<Ingredient> ingredients, Optional<String> note) {}

  private final StructuredOutput<Recipe> output = StructuredOutput.of(Recipe.class);

  private static CompletionResult answer(String text) {
    return CompletionResult.newBuilder()
        .setId("r")
        .setTeam("t")
        .setStatus(ResultStatus.SUCCEEDED)
        .setOutput(new Output(text, List.of(), "stop", null))
        .setUsage(new TokenUsage(1L, 1L, 0L, 0L))
        .setCompletedAt(ANSWERED)
        .build();
  }

  @Test
  void theSchemaRequiresEveryComponentButOptionalOnesAndForbidsOthers() throws Exception {
    JsonNode schema = new ObjectMapper().readTree(output.schemaJson());

    assertThat(schema.path("type").asText()).isEqualTo("object");
    assertThat(schema.path("required"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("title", "ingredients");
    assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
    assertThat(schema.toString()).contains("grams");
  }

  @Test
  void theRequestCarriesTheSchemaAsItsResponseFormat() {
    CompletionRequest sent =
        output.request(
            CompletionRequests.builder()
                .id("r")
                .team("t")
                .model("cheap")
                .user("Pancakes?")
                .temperature(0.1)
                .build());

    assertThat(sent.getParameters().getTemperature()).isEqualTo(0.1);
    assertThat(sent.getParameters().getResponseFormat().getType()).isEqualTo("json_schema");
    assertThat(sent.getParameters().getResponseFormat().getSchemaName()).isEqualTo("Recipe");
    assertThat(sent.getParameters().getResponseFormat().getSchemaJson())
        .isEqualTo(output.schemaJson());
  }

  @Test
  void aValidAnswerIsBoundEvenInsideACodeFence() {
    var check =
        output.check(
            answer(
                "```json\n{\"title\":\"Pancakes\",\"ingredients\":[{\"name\":\"flour\",\"grams\":250}]}\n```"));

    assertThat(check.errors()).isEmpty();
    assertThat(check.value())
        .contains(new Recipe("Pancakes", List.of(new Ingredient("flour", 250)), Optional.empty()));
  }

  @Test
  void anAnswerThatBreaksTheSchemaIsRefusedWithEveryError() {
    var check =
        output.check(answer("{\"title\":7,\"ingredients\":[{\"name\":\"egg\"}],\"spice\":true}"));

    assertThat(check.value()).isEmpty();
    assertThat(String.join("\n", check.errors()))
        .contains("$.title")
        .contains("grams")
        .contains("spice");
  }

  @Test
  void theRepairRequestAppendsTheInvalidAnswerAndTheErrors() {
    CompletionRequest first =
        output.request(
            CompletionRequests.builder()
                .id("r9")
                .team("t")
                .model("cheap")
                .user("Pancakes?")
                .build());
    var check = output.check(answer("{\"title\":\"x\"}"));

    CompletionRequest repair = output.repair(first, check);

    assertThat(repair.getId()).isEqualTo("r9:repair");
    assertThat(repair.getMessages()).hasSize(3);
    assertThat(repair.getMessages().get(1).getText()).isEqualTo("{\"title\":\"x\"}");
    assertThat(repair.getMessages().get(2).getText()).contains("ingredients");
    assertThat(repair.getParameters().getResponseFormat())
        .isEqualTo(first.getParameters().getResponseFormat());
  }
}

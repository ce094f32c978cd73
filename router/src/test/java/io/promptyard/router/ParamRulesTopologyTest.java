package io.promptyard.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.RoutedRequest;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The catalog's per-model parameter rules, applied by the router before any call: on the bundled
 * catalog's Anthropic models, with the alias {@code chat} meaning Claude Haiku 4.5 ($1/$5 per
 * million tokens), Claude Sonnet 5 ($2/$10) and OpenAI's gpt-4o ($2.50/$10, no rules).
 */
class ParamRulesTopologyTest {

  private final RouterDriver router = new RouterDriver(catalog());

  @AfterEach
  void close() {
    router.close();
  }

  @Test
  void temperatureAndTopPTogetherToClaudeHaiku45AreRejectedNamingTheParameterAndTheModel() {
    send("anthropic/claude-haiku-4-5", "\"temperature\": 0.7, \"top_p\": 0.9", "");

    CompletionResult r = router.results.readValue();
    assertThat(r.getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(r.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(r.getError().getMessage())
        .contains("anthropic/claude-haiku-4-5 does not take temperature and top_p together")
        .contains("metadata.drop_params");
    assertThat(router.route("anthropic").isEmpty()).isTrue();
  }

  @Test
  void aTemperatureAboveAnthropicsRangeIsRejectedBeforeAnyCall() {
    send("anthropic/claude-haiku-4-5", "\"temperature\": 1.5", "");

    CompletionResult r = router.results.readValue();
    assertThat(r.getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(r.getError().getMessage())
        .contains("temperature 1.5 is outside anthropic/claude-haiku-4-5's range 0..1");
    assertThat(router.route("anthropic").isEmpty()).isTrue();
  }

  @Test
  void aPinnedClaude5ModelRejectsANonDefaultTemperature() {
    send("chat", "\"temperature\": 0.2", "\"pinned_model\": \"anthropic/claude-sonnet-5\"");

    assertThat(router.results.readValue().getError().getMessage())
        .contains("anthropic/claude-sonnet-5 takes temperature only at its default 1, not 0.2");
  }

  @Test
  void theCheapestModelIsPassedOverForOneThatTakesTheParametersAndLeftOutOfTheFallbackChain() {
    send("chat", "\"temperature\": 0.7, \"top_p\": 0.9", "");

    RoutedRequest routed = router.route("openai").readValue();
    assertThat(routed.getDecision().getModel()).isEqualTo("gpt-4o");
    assertThat(routed.getDecision().getFallbackChain()).isEmpty();
    assertThat(routed.getRequest().getParameters().getTopP()).isEqualTo(0.9);
    assertThat(router.route("anthropic").isEmpty()).isTrue();
  }

  @Test
  void aModelWhoseRulesTheRequestKeepsStaysInTheFallbackChain() {
    send("chat", "\"temperature\": 0.7", "");

    RoutedRequest routed = router.route("anthropic").readValue();
    assertThat(routed.getDecision().getModel()).isEqualTo("claude-haiku-4-5");
    // Sonnet 5 takes temperature only at its default: it is no fallback for this request
    assertThat(routed.getDecision().getFallbackChain())
        .containsExactly(new ModelRef("openai", "gpt-4o"));
  }

  @Test
  void withDropParamsAPinnedModelGetsTheRequestWithoutWhatItCannotTakeAndTheReasonSaysSo() {
    send(
        "anthropic/claude-haiku-4-5",
        "\"temperature\": 0.7, \"top_p\": 0.9, \"max_tokens\": 50",
        "\"drop_params\": true");

    RoutedRequest routed = router.route("anthropic").readValue();
    Parameters sent = routed.getRequest().getParameters();
    assertThat(sent.getTemperature()).isEqualTo(0.7);
    assertThat(sent.getTopP()).isNull();
    assertThat(sent.getMaxTokens()).isEqualTo(50);
    assertThat(routed.getDecision().getReason())
        .contains(
            "drop_params dropped top_p: anthropic/claude-haiku-4-5 does not take temperature and"
                + " top_p together");
  }

  @Test
  void withDropParamsAModelThatTakesTheRequestAsItIsStillComesFirst() {
    send("chat", "\"temperature\": 0.7, \"top_p\": 0.9", "\"drop_params\": true");

    RoutedRequest routed = router.route("openai").readValue();
    assertThat(routed.getDecision().getModel()).isEqualTo("gpt-4o");
    assertThat(routed.getRequest().getParameters().getTopP()).isEqualTo(0.9);
    assertThat(routed.getDecision().getReason()).doesNotContain("drop_params");
  }

  @Test
  void aTeamThatDropsParamsByDefaultGetsThemDroppedAndTheWorkersAreToldSo() {
    try (RouterDriver teamDefault =
        new RouterDriver(catalog(), RouterDriver.droppingParamsOf("t"))) {
      teamDefault.json(
          body("anthropic/claude-haiku-4-5", "\"temperature\": 0.7, \"top_p\": 0.9", ""));

      RoutedRequest routed = teamDefault.route("anthropic").readValue();
      assertThat(routed.getRequest().getParameters().getTopP()).isNull();
      assertThat(routed.getRequest().getRouting().getDropParams()).isTrue();
      assertThat(routed.getDecision().getReason()).contains("drop_params dropped top_p");
    }
  }

  private void send(String model, String params, String metadata) {
    router.json(body(model, params, metadata));
  }

  private static String body(String model, String params, String metadata) {
    return "{\"model\": \""
        + model
        + "\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], "
        + params
        + (params.isEmpty() ? "" : ", ")
        + "\"metadata\": {\"team\": \"t\", \"request_id\": \"r1\""
        + (metadata.isEmpty() ? "" : ", " + metadata)
        + "}}";
  }

  private static ModelCatalog catalog() {
    ModelCatalog bundled = ModelCatalog.bundled();
    List<ModelSpec> chat =
        List.of(
                bundled.find("anthropic", "claude-haiku-4-5").orElseThrow(),
                bundled.find("anthropic", "claude-sonnet-5").orElseThrow(),
                bundled.find("openai", "gpt-4o").orElseThrow())
            .stream()
            .map(
                m ->
                    new ModelSpec(
                        m.provider(),
                        m.id(),
                        List.of("chat"),
                        m.contextWindow(),
                        m.maxOutputTokens(),
                        m.capabilities(),
                        m.prices(),
                        m.cacheTtl(),
                        m.paramRules()))
            .toList();
    return new ModelCatalog(
        bundled.providers().stream()
            .filter(p -> Set.of("anthropic", "openai").contains(p.name()))
            .toList(),
        chat);
  }
}

package io.promptyard.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.catalog.ParamRules.Param;
import io.promptyard.catalog.ParamRules.Violation;
import io.promptyard.schemas.Parameters;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-model parameter rules: how the catalog spells them, and what they refuse or drop. */
class ParamRulesTest {

  private final ModelCatalog bundled = ModelCatalog.bundled();

  @Test
  void claudeHaiku45RefusesTemperatureAndTopPTogetherAndKeepsTemperatureWhenAdapted() {
    ModelSpec haiku = bundled.find("anthropic", "claude-haiku-4-5").orElseThrow();
    Parameters both = params(0.7, 0.9);

    assertThat(haiku.paramViolations(both))
        .extracting(Violation::param, Violation::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                Param.TOP_P,
                "anthropic/claude-haiku-4-5 does not take temperature and top_p together"));
    ParamRules.Adapted adapted = haiku.paramRules().adapt(both, haiku.qualifiedName());
    assertThat(adapted.dropped()).containsExactly("top_p");
    assertThat(adapted.note())
        .isEqualTo(
            "drop_params dropped top_p: anthropic/claude-haiku-4-5 does not take temperature and"
                + " top_p together");
    assertThat(adapted.parameters().getTemperature()).isEqualTo(0.7);
    assertThat(adapted.parameters().getTopP()).isNull();
    assertThat(haiku.paramViolations(params(0.7, null))).isEmpty();
  }

  @Test
  void anthropicTemperatureAbove1IsOutsideTheModelsRangeAndDroppingItLeavesTopPAlone() {
    ModelSpec haiku = bundled.find("anthropic", "claude-haiku-4-5").orElseThrow();

    assertThat(haiku.paramViolations(params(1.5, null)))
        .extracting(Violation::message)
        .containsExactly("temperature 1.5 is outside anthropic/claude-haiku-4-5's range 0..1");
    // temperature is dropped for its range, so top_p alone breaks no exclusive rule
    assertThat(haiku.paramRules().adapt(params(1.5, 0.9), "m").dropped())
        .containsExactly("temperature");
  }

  @Test
  void claude5ModelsTakeTemperatureOnlyAtItsDefaultAndNoTopP() {
    for (String id :
        List.of("claude-opus-5-5", "claude-sonnet-5-5", "claude-opus-5", "claude-sonnet-5")) {
      ModelSpec m = bundled.find("anthropic", id).orElseThrow();

      assertThat(m.paramViolations(params(0.7, null)))
          .extracting(Violation::message)
          .containsExactly("anthropic/" + id + " takes temperature only at its default 1, not 0.7");
      assertThat(m.paramViolations(params(null, 0.9)))
          .extracting(Violation::message)
          .containsExactly("anthropic/" + id + " does not take top_p");
      assertThat(m.paramViolations(params(1.0, null))).isEmpty();
      assertThat(m.paramViolations(Parameters.newBuilder().setMaxTokens(10).build())).isEmpty();
    }
  }

  @Test
  void modelsWithoutRulesTakeEveryParameter() {
    ModelSpec gpt = bundled.find("openai", "gpt-4o-mini").orElseThrow();

    assertThat(gpt.paramRules()).isEqualTo(ParamRules.NONE);
    assertThat(gpt.paramViolations(params(1.5, 0.9))).isEmpty();
  }

  @Test
  void everyRuleKindIsReadFromACatalogFile() {
    ModelSpec m =
        one(
            """
            params:
              ranges: {temperature: [0, 1.2]}
              exclusive: [[top_p, temperature]]
              defaultOnly: {seed: 7}
              unsupported: [stop]
            """);

    assertThat(m.paramRules().ranges())
        .containsEntry(Param.TEMPERATURE, new ParamRules.Range(0, 1.2));
    assertThat(m.paramRules().exclusive()).containsExactly(List.of(Param.TOP_P, Param.TEMPERATURE));
    assertThat(m.paramRules().defaultOnly()).containsEntry(Param.SEED, 7.0);
    assertThat(m.paramRules().unsupported()).containsExactly(Param.STOP);
    // the group's first set parameter is kept
    assertThat(m.paramRules().adapt(params(0.5, 0.5), "p/m").dropped())
        .containsExactly("temperature");
  }

  @Test
  void aCatalogWithoutParamsStillReadsAndItsModelsHaveNoRules() {
    assertThat(one("").paramRules()).isEqualTo(ParamRules.NONE);
  }

  @Test
  void malformedRulesAreRefusedNamingTheModelAndTheRule() {
    assertRefused("params: {ranges: {temprature: [0, 1]}}", "'temprature' is not a parameter");
    assertRefused("params: {ranges: {temperature: [1, 0]}}", "min <= max");
    assertRefused(
        "params: {ranges: {temperature: 1}}", "params.ranges.temperature must be [min, max]");
    assertRefused("params: {exclusive: [[temperature]]}", "two or more different parameters");
    assertRefused("params: {exclusive: [temperature, top_p]}", "list of lists");
    assertRefused("params: {defaultOnly: {temperature: high}}", "params.defaultOnly.temperature");
    assertRefused("params: {forbidden: [seed]}", "params.forbidden is not a rule");
    assertRefused("params: [seed]", "'params' must be a map");
  }

  private static void assertRefused(String rules, String message) {
    assertThatThrownBy(() -> one(rules))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("model p/m")
        .hasMessageContaining(message);
  }

  private static ModelSpec one(String rules) {
    String yaml =
        """
        providers:
          p: {type: openai-compatible, baseUrl: "http://localhost:1/v1", keyRequired: false}
        models:
          - provider: p
            id: m
            contextWindow: 1000
            maxOutputTokens: 100
            prices: {input: 1, cachedInput: 1, output: 1, readOn: 2026-11-01}
        """
            + rules.indent(4);
    return ModelCatalog.parse(yaml.getBytes(StandardCharsets.UTF_8), "test")
        .find("p", "m")
        .orElseThrow();
  }

  private static Parameters params(Double temperature, Double topP) {
    return Parameters.newBuilder().setTemperature(temperature).setTopP(topP).build();
  }
}

package io.promptyard.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Checks on the data in the bundled catalog, so that a careless edit of models.yaml fails the
 * build.
 */
class BundledCatalogTest {

  /** The day the bundled catalog was last reviewed against the providers' pricing pages. */
  private static final LocalDate REVIEWED_ON = LocalDate.parse("2026-11-23");

  /** Prices read longer ago than this before the catalog's review date are stale. */
  private static final LocalDate OLDEST_ACCEPTABLE_READ = REVIEWED_ON.minusMonths(18);

  private final ModelCatalog bundled = ModelCatalog.bundled();

  @Test
  void bundledCatalogListsAtLeastThirtyModels() {
    assertThat(bundled.models()).hasSizeGreaterThanOrEqualTo(30);
  }

  @Test
  void atLeastTwentyFourModelsCostMoney() {
    assertThat(bundled.models())
        .filteredOn(m -> m.prices().costMicros(new Usage(1_000_000, 1_000_000, 0, 0)) > 0)
        .hasSizeGreaterThanOrEqualTo(24);
  }

  @Test
  void gptSixModelsAreCappedAtTheShortContextPriceTier() {
    // OpenAI bills prompts over 272K input tokens at higher rates; the catalog prices only the
    // lower tier.
    assertThat(bundled.models())
        .filteredOn(m -> m.provider().equals("openai") && m.id().startsWith("gpt-6"))
        .isNotEmpty()
        .allSatisfy(
            m ->
                assertThat(m.contextWindow())
                    .as("contextWindow of %s", m.qualifiedName())
                    .isLessThanOrEqualTo(272_000));
  }

  @Test
  void everyAdapterTypeHasAtLeastOneModel() {
    Set<String> typesWithModels =
        bundled.models().stream()
            .map(m -> bundled.provider(m.provider()).orElseThrow().type())
            .collect(Collectors.toSet());

    assertThat(typesWithModels)
        .contains("azure-openai", "anthropic", "gemini", "bedrock", "cohere", "openai-compatible");
  }

  @Test
  void firstPartyOpenAiApiHasModels() {
    // The bundled `openai` entry uses the openai-compatible adapter; ChatProviders treats type
    // `openai` the same.
    assertThat(bundled.provider("openai").orElseThrow().type()).isIn("openai", "openai-compatible");
    assertThat(bundled.models()).anyMatch(m -> m.provider().equals("openai"));
  }

  @Test
  void everyPriceWasReadWithinEighteenMonthsBeforeTheReviewAndNotAfterIt() {
    assertThat(bundled.models())
        .allSatisfy(
            m ->
                assertThat(m.prices().readOn())
                    .as("prices.readOn of %s", m.qualifiedName())
                    .isNotNull()
                    .isBeforeOrEqualTo(REVIEWED_ON)
                    .isAfterOrEqualTo(OLDEST_ACCEPTABLE_READ));
  }

  @Test
  void cachedInputNeverCostsMoreThanInput() {
    assertThat(bundled.models())
        .allSatisfy(
            m ->
                assertThat(m.prices().cachedInputPerMillion())
                    .as("cached-input price of %s", m.qualifiedName())
                    .isLessThanOrEqualTo(m.prices().inputPerMillion()));
  }

  @Test
  void maxOutputFitsInTheContextWindow() {
    assertThat(bundled.models())
        .allSatisfy(
            m ->
                assertThat(m.maxOutputTokens())
                    .as("maxOutputTokens of %s", m.qualifiedName())
                    .isLessThanOrEqualTo(m.contextWindow()));
  }

  @Test
  void noProviderListsTheSameModelTwice() {
    Set<String> seen = new HashSet<>();
    List<String> duplicates =
        bundled.models().stream().map(ModelSpec::qualifiedName).filter(n -> !seen.add(n)).toList();

    assertThat(duplicates).isEmpty();
  }

  @Test
  void everyProviderThatNeedsAKeyNamesWhereToFindOne() {
    assertThat(bundled.providers())
        .filteredOn(ProviderSpec::keyRequired)
        .allSatisfy(p -> assertThat(p.apiKeyEnv()).as("apiKeyEnv of %s", p.name()).isNotEmpty());
  }

  @Test
  void adapterOptionsAreSetForTheProvidersThatNeedThem() {
    assertThat(bundled.provider("azure").orElseThrow().option("apiVersion", null))
        .isEqualTo("2024-10-21");
    assertThat(bundled.provider("anthropic").orElseThrow().option("anthropicVersion", null))
        .isEqualTo("2023-06-01");
    assertThat(bundled.provider("bedrock").orElseThrow().option("region", null))
        .isEqualTo("us-east-1");
  }

  @Test
  void localOllamaNeedsNoKeyAndCostsNothing() {
    assertThat(bundled.provider("ollama").orElseThrow().keyRequired()).isFalse();
    assertThat(bundled.models())
        .filteredOn(m -> m.provider().equals("ollama"))
        .isNotEmpty()
        .allSatisfy(
            m -> assertThat(m.prices().costMicros(new Usage(1_000_000, 1_000_000, 0, 0))).isZero());
  }
}

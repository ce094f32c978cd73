package io.promptyard.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.ConfigKey;
import io.promptyard.schemas.config.Settings;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelCatalogTest {

  private final ModelCatalog bundled = ModelCatalog.bundled();

  @Test
  void cheapAliasResolvesToTheSimulatorsAndOpenAisCheapModels() {
    assertThat(bundled.resolve("cheap"))
        .extracting(ModelSpec::qualifiedName)
        .containsExactlyInAnyOrder("sim/sim-mini", "openai/gpt-4.1-nano");
  }

  @Test
  void qualifiedNameResolvesToExactlyThatModel() {
    assertThat(bundled.resolve("openai/gpt-4o-mini"))
        .extracting(ModelSpec::qualifiedName)
        .containsExactly("openai/gpt-4o-mini");
  }

  @Test
  void unknownNameResolvesToNothing() {
    assertThat(bundled.resolve("gpt-9")).isEmpty();
    assertThat(bundled.resolve("nobody/gpt-4o")).isEmpty();
  }

  @Test
  void bundledPricesAreInMicroDollarsPerMillionTokens() {
    ModelSpec mini = bundled.find("openai", "gpt-4o-mini").orElseThrow();

    assertThat(mini.prices())
        .isEqualTo(new Prices(150_000, 75_000, 600_000, LocalDate.parse("2025-10-01")));
  }

  @Test
  void providersNamedBySettingAreThoseListedOrNoneWhenUnset() {
    ConfigKey key = new ConfigKey("PROMPTYARD_PROVIDERS", null, "providers");

    assertThat(bundled.providersNamed(new Settings(Map.of(key.name(), "openai, sim")), key))
        .contains(List.of("openai", "sim"));
    assertThat(bundled.providersNamed(new Settings(Map.of()), key)).isEmpty();
  }

  @Test
  void aNamedProviderTheCatalogDoesNotDefineNamesTheKeyAndTheKnownProviders() {
    ConfigKey key = new ConfigKey("PROMPTYARD_PROVIDERS", null, "providers");

    assertThatThrownBy(
            () -> bundled.providersNamed(new Settings(Map.of(key.name(), "openai,ghost")), key))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_PROVIDERS names 'ghost'")
        .hasMessageContaining("known: [")
        .hasMessageContaining("sim");
  }

  @Test
  void modelWhoseProviderIsUndefinedIsRejected() {
    ProviderSpec sim =
        new ProviderSpec(
            "sim", "openai-compatible", "http://127.0.0.1:8089/v1", List.of(), null, false);
    ModelSpec orphan =
        new ModelSpec(
            "ghost",
            "m-1",
            List.of(),
            1000,
            100,
            Set.of(),
            new Prices(1, 1, 1, LocalDate.parse("2026-11-23")),
            null,
            ParamRules.NONE);

    assertThatThrownBy(() -> new ModelCatalog(List.of(sim), List.of(orphan)))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("ghost/m-1")
        .hasMessageContaining("'ghost'");
  }

  @Test
  void catalogFileNamingAnUndefinedProviderIsRejected() {
    String yaml =
        """
        pricesReadOn: 2025-10-01
        providers:
          sim: {type: openai-compatible, baseUrl: "http://127.0.0.1:8089/v1", keyRequired: false}
        models:
          - {provider: ghost, id: m-1, contextWindow: 1000, maxOutputTokens: 100, prices: {input: 1, cachedInput: 1, output: 1}}
        """;

    assertThatThrownBy(() -> ModelCatalog.parse(yaml.getBytes(StandardCharsets.UTF_8), "test.yaml"))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("ghost");
  }

  @Test
  void bundledOpenAiProviderTakesKeysFromThreeEnvironmentVariables() {
    ProviderSpec openai = bundled.provider("openai").orElseThrow();

    assertThat(openai.apiKeyEnv())
        .containsExactly("OPENAI_API_KEY", "OPENAI_API_KEY_2", "OPENAI_API_KEY_3");
    assertThat(openai.keyRequired()).isTrue();
    assertThat(bundled.provider("sim").orElseThrow().keyRequired()).isFalse();
  }

  @Test
  void aModelMayCarryItsOwnCacheTtl() {
    ModelCatalog catalog =
        ModelCatalog.parse(
            """
        providers:
          p: {type: openai-compatible, baseUrl: "http://localhost:1/v1", keyRequired: false}
        models:
          - {provider: p, id: fresh, contextWindow: 1000, maxOutputTokens: 100, cacheTtlSeconds: 300,
             prices: {input: 1, cachedInput: 1, output: 1, readOn: 2026-11-01}}
          - {provider: p, id: plain, contextWindow: 1000, maxOutputTokens: 100,
             prices: {input: 1, cachedInput: 1, output: 1, readOn: 2026-11-01}}
        """
                .getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "test");

    assertThat(catalog.find("p", "fresh").orElseThrow().cacheTtl())
        .isEqualTo(java.time.Duration.ofMinutes(5));
    assertThat(catalog.find("p", "plain").orElseThrow().cacheTtl()).isNull();
  }
}

package io.promptyard.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.providers.anthropic.AnthropicProvider;
import io.promptyard.providers.bedrock.BedrockProvider;
import io.promptyard.providers.cohere.CohereProvider;
import io.promptyard.providers.gemini.GeminiProvider;
import io.promptyard.providers.openai.OpenAiCompatibleProvider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChatProvidersTest {

  private static ProviderSpec spec(String type, boolean keyRequired) {
    return new ProviderSpec(
        "acme", type, "http://127.0.0.1:1/v1", List.of("ACME_KEY"), null, keyRequired);
  }

  @Test
  void openAiAndOpenAiCompatibleTypesGetTheOpenAiCompatibleAdapter() {
    for (String type : List.of("openai", "openai-compatible")) {
      try (ChatProvider provider =
          ChatProviders.create(spec(type, true), Map.of("ACME_KEY", "sk-acme-0123456789"))) {
        assertThat(provider).isInstanceOf(OpenAiCompatibleProvider.class);
        assertThat(provider.name()).isEqualTo("acme");
      }
    }
  }

  @Test
  void geminiTypeGetsTheGeminiAdapterAndNeedsAKey() {
    try (ChatProvider provider =
        ChatProviders.create(spec("gemini", true), Map.of("ACME_KEY", "AIzaSy-acme-0123456789"))) {
      assertThat(provider).isInstanceOf(GeminiProvider.class);
      assertThat(provider.name()).isEqualTo("acme");
    }
    assertThat(ChatProviders.SUPPORTED_TYPES).contains("gemini");
    assertThatThrownBy(() -> ChatProviders.create(spec("gemini", true), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ACME_KEY");
  }

  @Test
  void cohereTypeGetsTheCohereAdapterAndNeedsAKey() {
    try (ChatProvider provider =
        ChatProviders.create(spec("cohere", true), Map.of("ACME_KEY", "co-acme-0123456789"))) {
      assertThat(provider).isInstanceOf(CohereProvider.class);
      assertThat(provider.name()).isEqualTo("acme");
    }
    assertThat(ChatProviders.SUPPORTED_TYPES).contains("cohere");
    assertThatThrownBy(() -> ChatProviders.create(spec("cohere", true), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ACME_KEY");
  }

  @Test
  void anthropicTypeGetsTheAnthropicAdapter() {
    try (ChatProvider provider =
        ChatProviders.create(
            spec("anthropic", true), Map.of("ACME_KEY", "sk-ant-api03-0123456789"))) {
      assertThat(provider).isInstanceOf(AnthropicProvider.class);
      assertThat(provider.name()).isEqualTo("acme");
    }
  }

  @Test
  void anthropicWithAnUnreadableDefaultMaxTokensFailsAtStartNamingTheOption() {
    ProviderSpec spec =
        new ProviderSpec(
            "acme",
            "anthropic",
            "http://127.0.0.1:1",
            List.of("ACME_KEY"),
            null,
            true,
            Map.of("defaultMaxTokens", "lots"));

    assertThatThrownBy(
            () -> ChatProviders.create(spec, Map.of("ACME_KEY", "sk-ant-api03-0123456789")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("acme")
        .hasMessageContaining("defaultMaxTokens");
  }

  @ParameterizedTest
  @ValueSource(strings = {"openai", "bedrock"})
  void anUnreadableMaxResponseBytesFailsAtStartNamingTheOption(String type) {
    ProviderSpec spec =
        new ProviderSpec(
            "acme",
            type,
            "http://127.0.0.1:1",
            List.of("ACME_KEY"),
            null,
            false,
            Map.of(ProviderSpec.OPTION_MAX_RESPONSE_BYTES, "0"));

    assertThatThrownBy(() -> ChatProviders.create(spec, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "provider acme: option maxResponseBytes must be a positive "
                + "number of bytes, was '0'");
  }

  @Test
  void unknownTypeIsRejectedNamingTheProviderAndTheSupportedTypes() {
    assertThatThrownBy(() -> ChatProviders.create(spec("carrier-pigeon", false), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("acme")
        .hasMessageContaining("carrier-pigeon")
        .hasMessageContaining("bedrock")
        .hasMessageContaining("openai-compatible")
        .hasMessageContaining("openai");
  }

  @Test
  void bedrockTypeGetsTheBedrockAdapterWithCredentialsFromTheEnvironment() {
    ProviderSpec spec =
        new ProviderSpec(
            "aws",
            "bedrock",
            "",
            List.of("AWS_SECRET_ACCESS_KEY"),
            null,
            true,
            Map.of("region", "eu-west-1"));
    try (ChatProvider provider =
        ChatProviders.create(
            spec,
            Map.of(
                "AWS_ACCESS_KEY_ID",
                "AKIAIOSFODNN7EXAMPLE",
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))) {
      assertThat(provider).isInstanceOf(BedrockProvider.class);
      assertThat(provider.name()).isEqualTo("aws");
    }
  }

  @Test
  void bedrockWithoutCredentialsCannotBeCreatedAndTheMessageNamesTheVariables() {
    ProviderSpec spec =
        new ProviderSpec("aws", "bedrock", "", List.of("AWS_SECRET_ACCESS_KEY"), null, true);
    assertThatThrownBy(
            () ->
                ChatProviders.create(
                    spec,
                    Map.of("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("aws")
        .hasMessageContaining("AWS_ACCESS_KEY_ID")
        .hasMessageNotContaining("wJalrXUtnFEMI");
  }

  @Test
  void providerThatNeedsAKeyCannotBeCreatedWithoutOneAndTheMessageNamesTheVariables() {
    assertThatThrownBy(() -> ChatProviders.create(spec("openai", true), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("acme")
        .hasMessageContaining("ACME_KEY");
  }

  @Test
  void providerIsUsableWhenItNeedsNoKeyOrHasOne() {
    assertThat(ChatProviders.usable(spec("openai", false), Map.of())).isTrue();
    assertThat(ChatProviders.usable(spec("openai", true), Map.of("ACME_KEY", "sk-x-0123456789")))
        .isTrue();
    assertThat(ChatProviders.usable(spec("openai", true), Map.of())).isFalse();
    assertThat(ChatProviders.usable(spec("openai", true), Map.of("ACME_KEY", " "))).isFalse();
  }

  @Test
  void bundledCatalogSimulatorIsUsableWithoutKeysAndOpenAiOnlyWithOne() {
    ModelCatalog catalog = ModelCatalog.bundled();

    assertThat(ChatProviders.usable(catalog.provider("sim").orElseThrow(), Map.of())).isTrue();
    assertThat(ChatProviders.usable(catalog.provider("openai").orElseThrow(), Map.of())).isFalse();
    assertThat(
            ChatProviders.usable(
                catalog.provider("openai").orElseThrow(),
                Map.of("OPENAI_API_KEY_3", "sk-3-0123456789")))
        .isTrue();
  }

  @Test
  void everyProviderInTheBundledCatalogGetsAnAdapterByItsNameWhenItsKeysAreSet() {
    ModelCatalog catalog = ModelCatalog.bundled();
    Map<String, String> env =
        new java.util.HashMap<>(
            Map.of(
                "AWS_ACCESS_KEY_ID",
                "AKIAEXAMPLE0123456789",
                "AWS_SECRET_ACCESS_KEY",
                "secret-example-0123456789"));
    catalog
        .providers()
        .forEach(
            p ->
                p.apiKeyEnv()
                    .forEach(v -> env.putIfAbsent(v, "key-for-" + p.name() + "-0123456789")));

    for (ProviderSpec spec : catalog.providers()) {
      try (ChatProvider provider = ChatProviders.create(spec, env)) {
        assertThat(provider.name())
            .as("adapter for %s (%s)", spec.name(), spec.type())
            .isEqualTo(spec.name());
      }
    }
    assertThat(catalog.providers())
        .extracting(ProviderSpec::type)
        .contains("openai-compatible", "azure-openai", "anthropic", "gemini", "bedrock", "cohere");
  }
}

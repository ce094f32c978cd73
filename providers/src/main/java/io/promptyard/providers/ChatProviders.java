package io.promptyard.providers;

import io.promptyard.catalog.ProviderSpec;
import io.promptyard.providers.anthropic.AnthropicProvider;
import io.promptyard.providers.bedrock.BedrockProvider;
import io.promptyard.providers.cohere.CohereProvider;
import io.promptyard.providers.gemini.GeminiProvider;
import io.promptyard.providers.openai.OpenAiCompatibleProvider;
import java.util.Map;
import java.util.Set;

/**
 * Builds the adapter a catalog provider entry asks for, with its API keys from the given
 * environment.
 */
public final class ChatProviders {

  /** The adapter types {@link #create} knows. */
  public static final Set<String> SUPPORTED_TYPES =
      Set.of(
          "openai-compatible",
          "openai",
          "azure-openai",
          "gemini",
          "cohere",
          "anthropic",
          "bedrock");

  private ChatProviders() {}

  /** {@link #create(ProviderSpec, Map, HttpTimeouts)} with {@link HttpTimeouts#DEFAULTS}. */
  public static ChatProvider create(ProviderSpec spec, Map<String, String> env) {
    return create(spec, env, HttpTimeouts.DEFAULTS);
  }

  /**
   * The adapter for {@code spec.type()}, with the keys named by the spec read from {@code env}.
   * Type {@code azure-openai} is the OpenAI adapter speaking Azure OpenAI's URLs, api-version and
   * authentication; with option {@code auth: entra} its credential is the Entra ID token in the
   * variable named by option {@code entraTokenEnv}.
   *
   * @throws IllegalArgumentException when the type is unknown, an adapter option is invalid, or the
   *     provider needs a key and none is set
   * @throws java.io.UncheckedIOException when the spec's {@code apiKeyFile} cannot be read
   */
  public static ChatProvider create(
      ProviderSpec spec, Map<String, String> env, HttpTimeouts timeouts) {
    return switch (spec.type()) {
      case "openai-compatible", "openai", "azure-openai" ->
          new OpenAiCompatibleProvider(spec, keys(spec, env), timeouts);
      case "gemini" -> new GeminiProvider(spec, keys(spec, env), timeouts);
      case "cohere" -> new CohereProvider(spec, keys(spec, env), timeouts);
      case "anthropic" -> new AnthropicProvider(spec, keys(spec, env), timeouts);
      // AWS credentials are a pair (and maybe a session token), read from the environment by the
      // adapter.
      case "bedrock" -> new BedrockProvider(spec, env, timeouts);
      default ->
          throw new IllegalArgumentException(
              "provider "
                  + spec.name()
                  + " has type '"
                  + spec.type()
                  + "', which Promptyard has no adapter for; supported types: "
                  + String.join(", ", SUPPORTED_TYPES.stream().sorted().toList()));
    };
  }

  /**
   * Whether the provider can be called: it needs no key, or at least one of its keys (or its Entra
   * ID token) is set.
   *
   * @throws java.io.UncheckedIOException when the spec's {@code apiKeyFile} cannot be read (a
   *     misconfiguration, not an absent key)
   */
  public static boolean usable(ProviderSpec spec, Map<String, String> env) {
    return !spec.keyRequired() || !credentials(spec, env).isEmpty();
  }

  private static ApiKeyPool credentials(ProviderSpec spec, Map<String, String> env) {
    return ApiKeyPool.from(credentialSource(spec), env);
  }

  /**
   * Where a provider's credential comes from: Azure OpenAI may use an Entra ID token instead of its
   * keys.
   */
  private static ProviderSpec credentialSource(ProviderSpec spec) {
    return "azure-openai".equals(spec.type())
        ? OpenAiCompatibleProvider.credentialSource(spec)
        : spec;
  }

  /** The provider's key pool, which must not be empty when the provider needs a key. */
  private static ApiKeyPool keys(ProviderSpec spec, Map<String, String> env) {
    ApiKeyPool keys = credentials(spec, env);
    requireKey(credentialSource(spec), keys);
    return keys;
  }

  private static void requireKey(ProviderSpec spec, ApiKeyPool keys) {
    if (spec.keyRequired() && keys.isEmpty()) {
      throw new IllegalArgumentException(
          "provider "
              + spec.name()
              + " needs an API key: set one of "
              + (spec.apiKeyEnv().isEmpty()
                  ? "(no apiKeyEnv configured)"
                  : String.join(", ", spec.apiKeyEnv()))
              + (spec.apiKeyFile() == null ? "" : " or put one in " + spec.apiKeyFile()));
    }
  }
}

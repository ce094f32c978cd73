package io.promptyard.providers.openai;

import io.promptyard.catalog.ProviderSpec;
import io.promptyard.providers.http.ProviderRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Where one provider's chat-completions calls go, and how each call carries its credential. */
sealed interface OpenAiEndpoint {

  /** The URL for a call to {@code model}. */
  URI uri(String model);

  /** The URL of the models list, the key check's request. */
  URI models();

  /**
   * Sets the credential header; the caller turns a refused header value into a failure that does
   * not quote it.
   */
  void authenticate(ProviderRequest.Builder request, String credential);

  /** The dialect the server speaks. */
  OpenAiDialect dialect();

  /**
   * The endpoint for a catalog entry: Azure OpenAI for type {@code azure-openai}, else {@code
   * {baseUrl}/chat/completions}.
   */
  static OpenAiEndpoint of(ProviderSpec spec) {
    return AzureOpenAi.TYPE.equals(spec.type()) ? AzureOpenAi.of(spec) : new ChatCompletions(spec);
  }

  private static String trimmed(String baseUrl) {
    return baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  /**
   * OpenAI and every server that copies it: one URL, {@code Authorization: Bearer KEY}; the models
   * list is {@code GET {baseUrl}/models}
   * (https://platform.openai.com/docs/api-reference/models/list).
   */
  record ChatCompletions(URI url, URI models, OpenAiDialect dialect) implements OpenAiEndpoint {
    ChatCompletions(ProviderSpec spec) {
      this(
          URI.create(trimmed(spec.baseUrl()) + "/chat/completions"),
          URI.create(trimmed(spec.baseUrl()) + "/models"),
          OpenAiDialect.of(spec.baseUrl()));
    }

    @Override
    public URI uri(String model) {
      return url;
    }

    @Override
    public void authenticate(ProviderRequest.Builder request, String credential) {
      request.header("Authorization", "Bearer " + credential);
    }
  }

  /**
   * Azure OpenAI: {@code POST
   * {resource}/openai/deployments/{deployment}/chat/completions?api-version=…}, with the key in an
   * {@code api-key} header or a Microsoft Entra ID token as {@code Authorization: Bearer}
   * (https://learn.microsoft.com/azure/ai-services/openai/reference#authentication). The deployment
   * is the catalog's model id unless option {@code deployment.<modelId>} names another.
   *
   * @param resource the resource endpoint, e.g. {@code https://NAME.openai.azure.com}
   * @param deployments model id to deployment name, for those that differ
   */
  record AzureOpenAi(
      String resource,
      String apiVersion,
      Map<String, String> deployments,
      boolean entra,
      OpenAiDialect dialect)
      implements OpenAiEndpoint {

    static final String TYPE = "azure-openai";

    /** The latest GA data-plane inference version when this adapter was written. */
    static final String DEFAULT_API_VERSION = "2024-10-21";

    static final String DEFAULT_TOKEN_ENV = "AZURE_OPENAI_AD_TOKEN";
    private static final String DEPLOYMENT = "deployment.";

    public AzureOpenAi {
      deployments = Map.copyOf(deployments);
    }

    /**
     * Reads the catalog options {@code apiVersion}, {@code auth} ({@code api-key} or {@code entra})
     * and {@code deployment.<modelId>}.
     *
     * @throws IllegalArgumentException naming the option when one is invalid
     */
    static AzureOpenAi of(ProviderSpec spec) {
      String apiVersion = spec.option("apiVersion", DEFAULT_API_VERSION).strip();
      if (apiVersion.isEmpty() || !apiVersion.matches("[A-Za-z0-9.-]+")) {
        throw new IllegalArgumentException(
            "provider "
                + spec.name()
                + ": option apiVersion '"
                + apiVersion
                + "' is not an Azure OpenAI api-version such as "
                + DEFAULT_API_VERSION);
      }
      Map<String, String> deployments = new HashMap<>();
      spec.options()
          .forEach(
              (key, value) -> {
                if (key.startsWith(DEPLOYMENT) && key.length() > DEPLOYMENT.length()) {
                  if (value == null || value.isBlank()) {
                    throw new IllegalArgumentException(
                        "provider " + spec.name() + ": option " + key + " names no deployment");
                  }
                  deployments.put(key.substring(DEPLOYMENT.length()), value.strip());
                }
              });
      String resource = trimmed(spec.baseUrl());
      URI.create(resource + "/openai/deployments"); // an unusable base URL fails here, at start-up
      return new AzureOpenAi(
          resource, apiVersion, deployments, entra(spec), OpenAiDialect.azure(apiVersion));
    }

    /** Whether option {@code auth} asks for Entra ID tokens instead of API keys. */
    static boolean entra(ProviderSpec spec) {
      String auth = spec.option("auth", "api-key").strip().toLowerCase(Locale.ROOT);
      return switch (auth) {
        case "api-key" -> false;
        case "entra" -> true;
        default ->
            throw new IllegalArgumentException(
                "provider "
                    + spec.name()
                    + ": option auth '"
                    + auth
                    + "' is neither api-key nor entra");
      };
    }

    /** The environment variable holding the Entra ID token, option {@code entraTokenEnv}. */
    static String tokenEnv(ProviderSpec spec) {
      return spec.option("entraTokenEnv", DEFAULT_TOKEN_ENV).strip();
    }

    String deployment(String model) {
      return deployments.getOrDefault(model, model);
    }

    @Override
    public URI uri(String model) {
      return URI.create(
          resource
              + "/openai/deployments/"
              + URLEncoder.encode(deployment(model), StandardCharsets.UTF_8)
              + "/chat/completions?api-version="
              + apiVersion);
    }

    /**
     * The data-plane models list, {@code GET {resource}/openai/models?api-version=…}, which takes
     * the same {@code api-key} header
     * (https://learn.microsoft.com/rest/api/azureopenai/models/list).
     */
    @Override
    public URI models() {
      return URI.create(resource + "/openai/models?api-version=" + apiVersion);
    }

    @Override
    public void authenticate(ProviderRequest.Builder request, String credential) {
      if (entra) {
        request.header("Authorization", "Bearer " + credential);
      } else {
        request.header("api-key", credential);
      }
    }
  }
}

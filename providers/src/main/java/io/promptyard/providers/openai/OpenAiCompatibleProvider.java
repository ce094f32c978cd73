package io.promptyard.providers.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.HttpChatCall;
import io.promptyard.providers.http.HttpChatProvider;
import io.promptyard.providers.http.JsonPost;
import io.promptyard.providers.http.JsonWire;
import io.promptyard.providers.http.ProviderRequest;
import io.promptyard.schemas.serde.JsonMappers;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link ChatProvider} for OpenAI's chat-completions API and the many servers that copy it (vLLM,
 * Ollama, LiteLLM, Groq, the testkit simulator): {@code POST {baseUrl}/chat/completions}, blocking
 * or streamed; and, for catalog type {@code azure-openai}, Azure OpenAI's deployments of the same
 * API ({@code POST {baseUrl}/openai/deployments/{deployment}/chat/completions?api-version=…},
 * options {@code apiVersion}, {@code auth}, {@code entraTokenEnv}, {@code deployment.<modelId>}).
 */
public final class OpenAiCompatibleProvider extends HttpChatProvider {

  private final OpenAiEndpoint endpoint;
  private final JsonPost post;
  private final ObjectMapper json = JsonMappers.mapper();
  private final OpenAiRequestMapper requests;
  private final OpenAiResponseMapper responses = new OpenAiResponseMapper(json);

  public OpenAiCompatibleProvider(ProviderSpec spec, ApiKeyPool keys) {
    this(spec, keys, HttpTimeouts.DEFAULTS);
  }

  /**
   * The adapter for a catalog entry of type {@code openai}, {@code openai-compatible} or {@code
   * azure-openai}.
   *
   * @param keys the API keys, or for Azure OpenAI with option {@code auth: entra} the Entra ID
   *     tokens (see {@link #credentialSource})
   * @throws IllegalArgumentException naming the option when an Azure OpenAI option is invalid
   */
  public OpenAiCompatibleProvider(ProviderSpec spec, ApiKeyPool keys, HttpTimeouts timeouts) {
    super(spec, keys, timeouts, OpenAiErrorClassifier.INSTANCE);
    this.endpoint = OpenAiEndpoint.of(spec);
    this.post = new JsonPost(endpoint::authenticate, Map.of());
    this.requests = new OpenAiRequestMapper(json, endpoint.dialect());
  }

  /**
   * Where a catalog entry's credentials come from, as a spec for {@link ApiKeyPool#from}: the entry
   * itself (its API keys), or for Azure OpenAI with option {@code auth: entra} the same entry
   * reading the Microsoft Entra ID token from the variable named by option {@code entraTokenEnv}
   * (default {@code AZURE_OPENAI_AD_TOKEN}). Tokens are secrets like keys: the pool redacts them
   * and never logs them.
   *
   * @throws IllegalArgumentException when option {@code auth} is neither {@code api-key} nor {@code
   *     entra}
   */
  public static ProviderSpec credentialSource(ProviderSpec spec) {
    if (OpenAiEndpoint.AzureOpenAi.TYPE.equals(spec.type())
        && OpenAiEndpoint.AzureOpenAi.entra(spec)) {
      // Read once, at start-up, and never refreshed here: Entra ID tokens expire (typically within
      // the hour).
      return new ProviderSpec(
          spec.name(),
          spec.type(),
          spec.baseUrl(),
          List.of(OpenAiEndpoint.AzureOpenAi.tokenEnv(spec)),
          null,
          spec.keyRequired(),
          spec.options());
    }
    return spec;
  }

  @Override
  protected ProviderRequest modelsList(Optional<String> key) throws FailedCall {
    return post.get(endpoint.models(), key);
  }

  @Override
  public HttpChatCall.Wire wire(ChatRequest request, boolean stream) throws FailedCall {
    return new JsonWire(
            post,
            endpoint.uri(request.model()),
            requests.body(request, stream),
            request.model(),
            responses::response,
            streamed -> new OpenAiStreamAssembler(json, streamed))
        .refusingKeys(OpenAiErrorClassifier.INSTANCE::refusesKey);
  }
}

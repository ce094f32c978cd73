package io.promptyard.providers.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimitHeaders;
import io.promptyard.providers.RateLimits;
import io.promptyard.providers.catalog.ProviderSpec;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.Failure;
import io.promptyard.providers.http.HttpChatCall;
import io.promptyard.providers.http.HttpChatProvider;
import io.promptyard.schemas.serde.JsonMappers;
import java.io.UncheckedIOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link ChatProvider} for OpenAI's chat-completions API and the many servers that copy it (vLLM, Ollama,
 * LiteLLM, Groq, the testkit simulator): {@code POST {baseUrl}/chat/completions}, blocking or streamed; and,
 * for catalog type {@code azure-openai}, Azure OpenAI's deployments of the same API
 * ({@code POST {baseUrl}/openai/deployments/{deployment}/chat/completions?api-version=…}, options
 * {@code apiVersion}, {@code auth}, {@code entraTokenEnv}, {@code deployment.<modelId>}).
 */
public final class OpenAiCompatibleProvider extends HttpChatProvider {

  private final Endpoint endpoint;
  private final ObjectMapper json = JsonMappers.mapper();
  private final RequestMapper requests;
  private final ResponseMapper responses = new ResponseMapper(json);

  public OpenAiCompatibleProvider(ProviderSpec spec, ApiKeyPool keys) {
    this(spec, keys, HttpTimeouts.DEFAULTS);
  }

  /**
   * The adapter for a catalog entry of type {@code openai}, {@code openai-compatible} or {@code azure-openai}.
   *
   * @param keys the API keys, or for Azure OpenAI with option {@code auth: entra} the Entra ID tokens (see
   *     {@link #credentialSource})
   * @throws IllegalArgumentException naming the option when an Azure OpenAI option is invalid
   */
  public OpenAiCompatibleProvider(ProviderSpec spec, ApiKeyPool keys, HttpTimeouts timeouts) {
    super(spec, keys, timeouts);
    this.endpoint = Endpoint.of(spec);
    this.requests = new RequestMapper(json, endpoint.dialect());
  }

  /**
   * Where a catalog entry's credentials come from, as a spec for {@link ApiKeyPool#from}: the entry itself
   * (its API keys), or for Azure OpenAI with option {@code auth: entra} the same entry reading the Microsoft
   * Entra ID token from the variable named by option {@code entraTokenEnv} (default
   * {@code AZURE_OPENAI_AD_TOKEN}). Tokens are secrets like keys: the pool redacts them and never logs them.
   *
   * @throws IllegalArgumentException when option {@code auth} is neither {@code api-key} nor {@code entra}
   */
  public static ProviderSpec credentialSource(ProviderSpec spec) {
    if (Endpoint.AzureOpenAi.TYPE.equals(spec.type()) && Endpoint.AzureOpenAi.entra(spec)) {
      // Read once, at start-up, and never refreshed here: Entra ID tokens expire (typically within the hour).
      return new ProviderSpec(spec.name(), spec.type(), spec.baseUrl(), List.of(Endpoint.AzureOpenAi.tokenEnv(spec)), null,
          spec.keyRequired(), spec.options());
    }
    return spec;
  }

  @Override
  public HttpChatCall.Wire wire(ChatRequest request, boolean stream) throws FailedCall {
    byte[] body = serialize(request, stream);
    return new HttpChatCall.Wire() {
      @Override
      public HttpRequest request(Optional<String> key, boolean stream) throws FailedCall {
        return httpRequest(body, request.model(), key, stream);
      }

      @Override
      public RateLimits rateLimits(HttpHeaders headers) {
        return RateLimitHeaders.parse(headers);
      }

      @Override
      public ChatResponse response(String answer, RateLimits limits) throws FailedCall {
        return responses.response(answer, request.model(), limits);
      }

      @Override
      public HttpChatCall.EventReader events(Consumer<ChatChunk> chunks, RateLimits limits) {
        return new StreamAssembler(json, chunks, request.model(), limits);
      }

      @Override
      public Optional<String> refusesKey(Failure.Status s) {
        if (s.status() != 401 && s.status() != 403) {
          return Optional.empty();
        }
        ErrorClassifier.ProviderError e = ErrorClassifier.ProviderError.parse(s.body());
        return Optional.of("HTTP " + s.status() + (e.code() == null ? "" : " " + e.code()));
      }
    };
  }

  @Override
  protected ProviderException classify(Failure failure, ChatRequest request) {
    return ErrorClassifier.classify(failure, name(), request.requestId(), keys());
  }

  private byte[] serialize(ChatRequest request, boolean stream) throws FailedCall {
    try {
      return json.writeValueAsBytes(requests.body(request, stream));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write a JSON tree that Jackson itself built", e);
    }
  }

  private HttpRequest httpRequest(byte[] body, String model, Optional<String> key, boolean stream) throws FailedCall {
    HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.uri(model))
        .header("Content-Type", "application/json")
        .header("Accept", stream ? "text/event-stream" : "application/json")
        .header("User-Agent", "promptyard")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    try {
      key.ifPresent(k -> endpoint.authenticate(b, k));
    } catch (IllegalArgumentException quotesTheKey) {
      // The JDK puts the invalid value, our key, in the message: never pass it on. ApiKeyPool keeps such keys
      // out, so this is defence in depth.
      throw new FailedCall(new Failure.Unsendable("the API key contains characters not allowed in an HTTP header"));
    }
    return b.build();
  }
}

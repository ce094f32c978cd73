package io.promptyard.providers.cohere;

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
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link ChatProvider} for Cohere's Chat API v2 ({@code POST {baseUrl}/v2/chat},
 * https://docs.cohere.com/reference/chat), blocking or streamed as server-sent events.
 */
public final class CohereProvider extends HttpChatProvider {

  /** Cohere's public API; the catalog's baseUrl overrides it (e.g. a private deployment or a proxy). */
  public static final String DEFAULT_BASE_URL = "https://api.cohere.com";

  private final URI endpoint;
  private final ObjectMapper json = JsonMappers.mapper();
  private final RequestMapper requests = new RequestMapper(json);
  private final ResponseMapper responses = new ResponseMapper(json);

  public CohereProvider(ProviderSpec spec, ApiKeyPool keys, HttpTimeouts timeouts) {
    super(spec, keys, timeouts);
    String base = spec.baseUrl().isBlank() ? DEFAULT_BASE_URL : spec.baseUrl().strip();
    this.endpoint = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v2/chat");
  }

  @Override
  public HttpChatCall.Wire wire(ChatRequest request, boolean stream) throws FailedCall {
    byte[] body = serialize(request, stream);
    return new HttpChatCall.Wire() {
      @Override
      public HttpRequest request(Optional<String> key, boolean stream) throws FailedCall {
        return httpRequest(body, key, stream);
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

  private HttpRequest httpRequest(byte[] body, Optional<String> key, boolean stream) throws FailedCall {
    HttpRequest.Builder b = HttpRequest.newBuilder(endpoint)
        .header("Content-Type", "application/json")
        .header("Accept", stream ? "text/event-stream" : "application/json")
        .header("User-Agent", "promptyard")
        // Cohere's optional header naming the calling project: https://docs.cohere.com/reference/chat#request.headers
        .header("X-Client-Name", "promptyard")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    try {
      key.ifPresent(k -> b.header("Authorization", "Bearer " + k));
    } catch (IllegalArgumentException quotesTheKey) {
      // The JDK puts the invalid value, our key, in the message: never pass it on.
      throw new FailedCall(new Failure.Unsendable("the API key contains characters not allowed in an HTTP header"));
    }
    return b.build();
  }
}

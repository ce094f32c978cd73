package io.promptyard.providers.cohere;

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
import io.promptyard.schemas.serde.JsonMappers;
import java.net.URI;
import java.util.Map;

/**
 * A {@link ChatProvider} for Cohere's Chat API v2 ({@code POST {baseUrl}/v2/chat},
 * https://docs.cohere.com/reference/chat), blocking or streamed as server-sent events.
 */
public final class CohereProvider extends HttpChatProvider {

  /**
   * Cohere's public API; the catalog's baseUrl overrides it (e.g. a private deployment or a proxy).
   */
  public static final String DEFAULT_BASE_URL = "https://api.cohere.com";

  private final URI endpoint;
  // X-Client-Name: Cohere's optional header naming the calling project,
  // https://docs.cohere.com/reference/chat#request.headers
  private final JsonPost post =
      new JsonPost(JsonPost.bearer(), Map.of("X-Client-Name", "promptyard"));
  private final ObjectMapper json = JsonMappers.mapper();
  private final CohereRequestMapper requests = new CohereRequestMapper(json);
  private final CohereResponseMapper responses = new CohereResponseMapper(json);

  public CohereProvider(ProviderSpec spec, ApiKeyPool keys, HttpTimeouts timeouts) {
    super(spec, keys, timeouts, CohereErrorClassifier.INSTANCE);
    String base = spec.baseUrl().isBlank() ? DEFAULT_BASE_URL : spec.baseUrl().strip();
    this.endpoint =
        URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v2/chat");
  }

  @Override
  public HttpChatCall.Wire wire(ChatRequest request, boolean stream) throws FailedCall {
    return new JsonWire(
        post,
        endpoint,
        requests.body(request, stream),
        request.model(),
        responses::response,
        streamed -> new CohereStreamAssembler(json, streamed));
  }
}

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
import io.promptyard.providers.http.ProviderRequest;
import io.promptyard.schemas.serde.JsonMappers;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

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
  private final URI models;
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
    String trimmed = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.endpoint = URI.create(trimmed + "/v2/chat");
    // GET /v1/models with the same Bearer key (https://docs.cohere.com/reference/list-models); one
    // model is enough to prove the key.
    this.models = URI.create(trimmed + "/v1/models?page_size=1");
  }

  @Override
  protected ProviderRequest modelsList(Optional<String> key) throws FailedCall {
    return post.get(models, key);
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

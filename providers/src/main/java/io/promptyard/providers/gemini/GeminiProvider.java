package io.promptyard.providers.gemini;

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
import java.util.regex.Pattern;

/**
 * A {@link ChatProvider} for Google's Gemini API (the Generative Language API, not Vertex AI):
 * {@code POST {baseUrl}/{apiVersion}/models/{model}:generateContent}, or {@code
 * :streamGenerateContent?alt=sse} to stream (https://ai.google.dev/api/generate-content). The key
 * goes in the {@code x-goog-api-key} header, never in the URL, so that it cannot reach a log line
 * through a URL. Catalog option {@code apiVersion} (default {@code v1beta}) picks the API version.
 */
public final class GeminiProvider extends HttpChatProvider {

  /** The Gemini API's own address, used when the catalog gives no base URL. */
  public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";

  private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)?");

  private final String base;
  private final JsonPost post = new JsonPost(JsonPost.header("x-goog-api-key"), Map.of());
  private final ObjectMapper json = JsonMappers.mapper();
  private final GeminiRequestMapper requests = new GeminiRequestMapper(json);
  private final GeminiResponseMapper responses = new GeminiResponseMapper(json);

  public GeminiProvider(ProviderSpec spec, ApiKeyPool keys, HttpTimeouts timeouts) {
    super(spec, keys, timeouts, GeminiErrorClassifier.INSTANCE);
    String url =
        spec.baseUrl() == null || spec.baseUrl().isBlank()
            ? DEFAULT_BASE_URL
            : spec.baseUrl().strip();
    String version = spec.option("apiVersion", "v1beta").strip();
    this.base =
        (url.endsWith("/") ? url.substring(0, url.length() - 1) : url) + "/" + version + "/";
    URI.create(
        base); // fails fast on a malformed base URL, at start-up rather than on the first call
  }

  /**
   * {@code GET {baseUrl}/{apiVersion}/models} with the same {@code x-goog-api-key} header
   * (https://ai.google.dev/api/models#method:-models.list); one model is enough to prove the key.
   */
  @Override
  protected ProviderRequest modelsList(Optional<String> key) throws FailedCall {
    return post.get(URI.create(base + "models?pageSize=1"), key);
  }

  @Override
  public HttpChatCall.Wire wire(ChatRequest request, boolean stream) throws FailedCall {
    URI endpoint = endpoint(request.model(), stream);
    return new JsonWire(
            post,
            endpoint,
            requests.body(request),
            request.model(),
            responses::response,
            streamed -> new GeminiStreamAssembler(responses, streamed))
        .refusingKeys(GeminiErrorClassifier.INSTANCE::refusesKey);
  }

  /**
   * {@code models/gemini-2.5-flash} for a plain id; a tuned model's {@code tunedModels/…} is used
   * as it is.
   */
  private URI endpoint(String model, boolean stream) throws FailedCall {
    String id = model.startsWith("models/") ? model.substring("models/".length()) : model;
    if (!MODEL_ID.matcher(id).matches()) {
      throw FailedCall.unsendable("model id '" + model + "' is not a Gemini model name");
    }
    String resource = id.contains("/") ? id : "models/" + id;
    return URI.create(
        base + resource + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent"));
  }
}

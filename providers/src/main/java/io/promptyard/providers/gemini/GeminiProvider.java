package io.promptyard.providers.gemini;

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
import java.util.regex.Pattern;

/**
 * A {@link ChatProvider} for Google's Gemini API (the Generative Language API, not Vertex AI):
 * {@code POST {baseUrl}/{apiVersion}/models/{model}:generateContent}, or {@code :streamGenerateContent?alt=sse}
 * to stream (https://ai.google.dev/api/generate-content). The key goes in the {@code x-goog-api-key} header,
 * never in the URL, so that it cannot reach a log line through a URL. Catalog option {@code apiVersion}
 * (default {@code v1beta}) picks the API version.
 */
public final class GeminiProvider extends HttpChatProvider {

  /** The Gemini API's own address, used when the catalog gives no base URL. */
  public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";

  private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)?");

  private final String base;
  private final ObjectMapper json = JsonMappers.mapper();
  private final RequestMapper requests = new RequestMapper(json);
  private final ResponseMapper responses = new ResponseMapper(json);

  public GeminiProvider(ProviderSpec spec, ApiKeyPool keys, HttpTimeouts timeouts) {
    super(spec, keys, timeouts);
    String url = spec.baseUrl() == null || spec.baseUrl().isBlank() ? DEFAULT_BASE_URL : spec.baseUrl().strip();
    String version = spec.option("apiVersion", "v1beta").strip();
    this.base = (url.endsWith("/") ? url.substring(0, url.length() - 1) : url) + "/" + version + "/";
    URI.create(base); // fails fast on a malformed base URL, at start-up rather than on the first call
  }

  @Override
  public HttpChatCall.Wire wire(ChatRequest request, boolean stream) throws FailedCall {
    URI endpoint = endpoint(request.model(), stream);
    byte[] body = serialize(request);
    return new HttpChatCall.Wire() {
      @Override
      public HttpRequest request(Optional<String> key, boolean stream) throws FailedCall {
        return httpRequest(endpoint, body, key, stream);
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
        return new StreamAssembler(responses, chunks, request.model(), limits);
      }

      // Google answers a bad key with a 400 whose reason is API_KEY_INVALID, not only with 401/403.
      @Override
      public Optional<String> refusesKey(Failure.Status s) {
        if (!ErrorClassifier.refusesKey(s.status(), s.body())) {
          return Optional.empty();
        }
        ErrorClassifier.GoogleError e = ErrorClassifier.GoogleError.parse(s.body());
        String why = e.reason() != null ? e.reason() : e.status();
        return Optional.of("HTTP " + s.status() + (why == null ? "" : " " + why));
      }
    };
  }

  @Override
  protected ProviderException classify(Failure failure, ChatRequest request) {
    return ErrorClassifier.classify(failure, name(), request.requestId(), keys());
  }

  /** {@code models/gemini-2.5-flash} for a plain id; a tuned model's {@code tunedModels/…} is used as it is. */
  private URI endpoint(String model, boolean stream) throws FailedCall {
    String id = model.startsWith("models/") ? model.substring("models/".length()) : model;
    if (!MODEL_ID.matcher(id).matches()) {
      throw new FailedCall(new Failure.Unsendable("model id '" + model + "' is not a Gemini model name"));
    }
    String resource = id.contains("/") ? id : "models/" + id;
    return URI.create(base + resource + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent"));
  }

  private byte[] serialize(ChatRequest request) throws FailedCall {
    try {
      return json.writeValueAsBytes(requests.body(request));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write a JSON tree that Jackson itself built", e);
    }
  }

  private HttpRequest httpRequest(URI endpoint, byte[] body, Optional<String> key, boolean stream) throws FailedCall {
    HttpRequest.Builder b = HttpRequest.newBuilder(endpoint)
        .header("Content-Type", "application/json")
        .header("Accept", stream ? "text/event-stream" : "application/json")
        .header("User-Agent", "promptyard")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    try {
      key.ifPresent(k -> b.header("x-goog-api-key", k));
    } catch (IllegalArgumentException quotesTheKey) {
      // The JDK puts the invalid value, our key, in the message: never pass it on.
      throw new FailedCall(new Failure.Unsendable("the API key contains characters not allowed in an HTTP header"));
    }
    return b.build();
  }
}

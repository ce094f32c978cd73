package io.promptyard.providers.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.ChatProvider;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.providers.ProviderException;
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
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link ChatProvider} for Anthropic's Messages API ({@code POST {baseUrl}/v1/messages}, blocking or streamed),
 * authenticated with {@code x-api-key} and pinned to one {@code anthropic-version}.
 *
 * <p>Catalog options: {@code anthropicVersion} (default {@value #DEFAULT_VERSION}) and {@code defaultMaxTokens}
 * (default {@value #DEFAULT_MAX_TOKENS}), sent when a request sets no max_tokens, which Anthropic requires.
 */
public final class AnthropicProvider extends HttpChatProvider {

  /** The API version this adapter's mapping was written against: https://docs.claude.com/en/api/versioning */
  static final String DEFAULT_VERSION = "2023-06-01";
  static final String DEFAULT_MAX_TOKENS = "4096";

  private final URI endpoint;
  private final String version;
  private final ObjectMapper json = JsonMappers.mapper();
  private final RequestMapper requests;
  private final ResponseMapper responses = new ResponseMapper(json);

  /**
   * @throws IllegalArgumentException when the spec's {@code defaultMaxTokens} option is not a positive whole number
   */
  public AnthropicProvider(ProviderSpec spec, ApiKeyPool keys, HttpTimeouts timeouts) {
    super(spec, keys, timeouts);
    String base = spec.baseUrl().endsWith("/") ? spec.baseUrl().substring(0, spec.baseUrl().length() - 1) : spec.baseUrl();
    this.endpoint = URI.create(base + "/v1/messages");
    this.version = spec.option("anthropicVersion", DEFAULT_VERSION);
    this.requests = new RequestMapper(json, defaultMaxTokens(spec));
  }

  private static int defaultMaxTokens(ProviderSpec spec) {
    String value = spec.option("defaultMaxTokens", DEFAULT_MAX_TOKENS).trim();
    try {
      int n = Integer.parseInt(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("provider " + spec.name() + ": option defaultMaxTokens must be a positive whole number, was '"
        + value + "'");
  }

  @Override
  public HttpChatCall.Wire wire(ChatRequest request, boolean stream) throws FailedCall {
    byte[] body = serialize(request, stream);
    String answerTool = request.parameters() == null ? null : AnswerTool.nameFor(request.parameters().getResponseFormat());
    return new HttpChatCall.Wire() {
      @Override
      public HttpRequest request(Optional<String> key, boolean stream) throws FailedCall {
        return httpRequest(body, key, stream);
      }

      @Override
      public RateLimits rateLimits(HttpHeaders headers) {
        return RateLimitReader.read(headers, Instant.now());
      }

      @Override
      public ChatResponse response(String answer, RateLimits limits) throws FailedCall {
        return responses.response(answer, request.model(), answerTool, limits);
      }

      @Override
      public HttpChatCall.EventReader events(Consumer<ChatChunk> chunks, RateLimits limits) {
        return new StreamAssembler(json, chunks, request.model(), answerTool, limits);
      }

      @Override
      public Optional<String> refusesKey(Failure.Status s) {
        if (s.status() != 401 && s.status() != 403) {
          return Optional.empty();
        }
        ErrorClassifier.ProviderError e = ErrorClassifier.ProviderError.parse(s.body());
        return Optional.of("HTTP " + s.status() + (e.type() == null ? "" : " " + e.type()));
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
        .header("content-type", "application/json")
        .header("accept", stream ? "text/event-stream" : "application/json")
        .header("anthropic-version", version)
        .header("user-agent", "promptyard")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    try {
      key.ifPresent(k -> b.header("x-api-key", k));
    } catch (IllegalArgumentException quotesTheKey) {
      // The JDK puts the invalid value, our key, in the message: never pass it on. ApiKeyPool keeps such keys
      // out, so this is defence in depth.
      throw new FailedCall(new Failure.Unsendable("the API key contains characters not allowed in an HTTP header"));
    }
    return b.build();
  }
}

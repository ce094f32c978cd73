package io.promptyard.providers.anthropic;

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
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link ChatProvider} for Anthropic's Messages API ({@code POST {baseUrl}/v1/messages}, blocking
 * or streamed), authenticated with {@code x-api-key} and pinned to one {@code anthropic-version}.
 *
 * <p>Catalog options: {@code anthropicVersion} (default {@value #DEFAULT_VERSION}) and {@code
 * defaultMaxTokens} (default {@value #DEFAULT_MAX_TOKENS}), sent when a request sets no max_tokens,
 * which Anthropic requires.
 */
public final class AnthropicProvider extends HttpChatProvider {

  /**
   * The API version this adapter's mapping was written against:
   * https://docs.claude.com/en/api/versioning
   */
  static final String DEFAULT_VERSION = "2023-06-01";

  static final int DEFAULT_MAX_TOKENS = 4096;

  private final URI endpoint;
  private final URI models;
  private final JsonPost post;
  private final ObjectMapper json = JsonMappers.mapper();
  private final AnthropicRequestMapper requests;
  private final AnthropicResponseMapper responses = new AnthropicResponseMapper(json);

  /**
   * @throws IllegalArgumentException when the spec's {@code defaultMaxTokens} option is not a
   *     positive whole number
   */
  public AnthropicProvider(ProviderSpec spec, ApiKeyPool keys, HttpTimeouts timeouts) {
    super(spec, keys, timeouts, AnthropicErrorClassifier.INSTANCE);
    String base =
        spec.baseUrl().endsWith("/")
            ? spec.baseUrl().substring(0, spec.baseUrl().length() - 1)
            : spec.baseUrl();
    this.endpoint = URI.create(base + "/v1/messages");
    // GET /v1/models takes the same x-api-key and anthropic-version headers:
    // https://docs.claude.com/en/api/models-list; one model is enough to prove the key.
    this.models = URI.create(base + "/v1/models?limit=1");
    this.post =
        new JsonPost(
            JsonPost.header("x-api-key"),
            Map.of("anthropic-version", spec.option("anthropicVersion", DEFAULT_VERSION)));
    this.requests =
        new AnthropicRequestMapper(
            json, spec.positiveIntOption("defaultMaxTokens", DEFAULT_MAX_TOKENS));
  }

  @Override
  protected ProviderRequest modelsList(Optional<String> key) throws FailedCall {
    return post.get(models, key);
  }

  @Override
  public HttpChatCall.Wire wire(ChatRequest request, boolean stream) throws FailedCall {
    String answerTool =
        request.parameters() == null
            ? null
            : AnthropicAnswerTool.nameFor(request.parameters().getResponseFormat());
    return new JsonWire(
            post,
            endpoint,
            requests.body(request, stream),
            request.model(),
            (answer, model, limits) -> responses.response(answer, model, answerTool, limits),
            streamed -> new AnthropicStreamAssembler(json, answerTool, streamed))
        .readingRateLimits(headers -> AnthropicRateLimitReader.read(headers, Instant.now()))
        .refusingKeys(AnthropicErrorClassifier.INSTANCE::refusesKey);
  }
}

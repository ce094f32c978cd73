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
import io.promptyard.providers.http.Exchange;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.Failure;
import io.promptyard.providers.http.LineFeed;
import io.promptyard.providers.http.SseDecoder;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.charset.StandardCharsets;
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
public final class AnthropicProvider implements ChatProvider {

  /** The API version this adapter's mapping was written against: https://docs.claude.com/en/api/versioning */
  static final String DEFAULT_VERSION = "2023-06-01";
  static final String DEFAULT_MAX_TOKENS = "4096";

  private final String name;
  private final URI endpoint;
  private final String version;
  private final ApiKeyPool keys;
  private final boolean keyRequired;
  private final HttpClient client;
  private final Exchange exchange;
  private final HttpTimeouts timeouts;
  private final ObjectMapper json = new ObjectMapper();
  private final RequestMapper requests;
  private final ResponseMapper responses = new ResponseMapper(json);

  /**
   * @throws IllegalArgumentException when the spec's {@code defaultMaxTokens} option is not a positive whole number
   */
  public AnthropicProvider(ProviderSpec spec, ApiKeyPool keys, HttpTimeouts timeouts) {
    this.name = spec.name();
    String base = spec.baseUrl().endsWith("/") ? spec.baseUrl().substring(0, spec.baseUrl().length() - 1) : spec.baseUrl();
    this.endpoint = URI.create(base + "/v1/messages");
    this.version = spec.option("anthropicVersion", DEFAULT_VERSION);
    this.keys = keys;
    this.keyRequired = spec.keyRequired();
    this.timeouts = timeouts;
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeouts.connect())
        .build();
    this.exchange = new Exchange(client, timeouts);
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
  public String name() {
    return name;
  }

  @Override
  public ChatResponse complete(ChatRequest request) throws ProviderException {
    return call(request, null);
  }

  @Override
  public ChatResponse stream(ChatRequest request, Consumer<ChatChunk> onChunk) throws ProviderException {
    return call(request, onChunk);
  }

  /** Lets calls in flight finish, and accepts no new ones. */
  @Override
  public void close() {
    client.shutdown();
  }

  private ChatResponse call(ChatRequest request, Consumer<ChatChunk> onChunk) throws ProviderException {
    long deadline = System.nanoTime() + timeouts.total().toNanos();
    try {
      byte[] body = serialize(request, onChunk != null);
      String answerTool = request.parameters() == null ? null : AnswerTool.nameFor(request.parameters().getResponseFormat());
      int keysToTry = Math.max(1, keys.size());
      while (true) {
        Optional<String> key = keys.next();
        if (key.isEmpty() && keyRequired) {
          throw new FailedCall(new Failure.NoKey());
        }
        HttpRequest http = httpRequest(body, key, onChunk != null);
        try {
          return onChunk == null
              ? completeOnce(http, request, answerTool, deadline)
              : streamOnce(http, request, answerTool, onChunk, deadline);
        } catch (FailedCall f) {
          // A refused key is refused for every request: take it out, and give this request the next key.
          if (key.isPresent() && f.failure() instanceof Failure.Status s && (s.status() == 401 || s.status() == 403)) {
            ErrorClassifier.ProviderError e = ErrorClassifier.ProviderError.parse(s.body());
            keys.reject(key.get(), "HTTP " + s.status() + (e.type() == null ? "" : " " + keys.redact(e.type())));
            if (--keysToTry > 0 && !keys.isEmpty()) {
              continue;
            }
          }
          throw f;
        }
      }
    } catch (FailedCall f) {
      throw ErrorClassifier.classify(f.failure(), name, request.requestId(), keys);
    }
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

  private ChatResponse completeOnce(HttpRequest http, ChatRequest request, String answerTool, long deadline) throws FailedCall {
    Exchange.Opened opened = exchange.open(http, BodyHandlers.ofString(), deadline);
    RateLimits limits = RateLimitReader.read(opened.info().headers(), Instant.now());
    if (!opened.successful()) {
      throw new FailedCall(new Failure.Status(opened.status(), errorBody(opened, deadline), limits));
    }
    return responses.response(exchange.body(opened, deadline), request.model(), answerTool, limits);
  }

  private ChatResponse streamOnce(HttpRequest http, ChatRequest request, String answerTool, Consumer<ChatChunk> onChunk,
      long deadline) throws FailedCall {
    LineFeed feed = new LineFeed();
    BodyHandler<String> bodies = info -> info.statusCode() / 100 == 2
        ? BodySubscribers.fromLineSubscriber(feed, f -> "", StandardCharsets.UTF_8, null)
        : BodySubscribers.ofString(StandardCharsets.UTF_8);
    Exchange.Opened opened = exchange.open(http, bodies, deadline);
    RateLimits limits = RateLimitReader.read(opened.info().headers(), Instant.now());
    if (!opened.successful()) {
      throw new FailedCall(new Failure.Status(opened.status(), errorBody(opened, deadline), limits));
    }
    StreamAssembler assembler = new StreamAssembler(json, onChunk, request.model(), answerTool, limits);
    boolean finished = false;
    try {
      SseDecoder sse = new SseDecoder();
      for (String line = feed.next(deadline, exchange.totalOverdue()); line != null; line = feed.next(deadline, exchange.totalOverdue())) {
        String data = sse.line(line);
        if (data != null) {
          assembler.event(data);
        }
      }
      String last = sse.end();
      if (last != null) {
        assembler.event(last);
      }
      ChatResponse response = assembler.response();
      finished = true;
      return response;
    } finally {
      if (!finished) {
        feed.cancel();
        opened.response().cancel(true);
      }
    }
  }

  /** The error body, or "" when it does not arrive in time: the status alone still classifies the failure. */
  private String errorBody(Exchange.Opened opened, long deadline) {
    try {
      return exchange.body(opened, deadline);
    } catch (FailedCall unreadable) {
      return "";
    }
  }
}

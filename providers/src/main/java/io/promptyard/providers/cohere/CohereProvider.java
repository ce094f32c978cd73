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
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link ChatProvider} for Cohere's Chat API v2 ({@code POST {baseUrl}/v2/chat},
 * https://docs.cohere.com/reference/chat), blocking or streamed as server-sent events.
 */
public final class CohereProvider implements ChatProvider {

  /** Cohere's public API; the catalog's baseUrl overrides it (e.g. a private deployment or a proxy). */
  public static final String DEFAULT_BASE_URL = "https://api.cohere.com";

  private final String name;
  private final URI endpoint;
  private final ApiKeyPool keys;
  private final boolean keyRequired;
  private final HttpClient client;
  private final Exchange exchange;
  private final HttpTimeouts timeouts;
  private final ObjectMapper json = new ObjectMapper();
  private final RequestMapper requests = new RequestMapper(json);
  private final ResponseMapper responses = new ResponseMapper(json);

  public CohereProvider(ProviderSpec spec, ApiKeyPool keys, HttpTimeouts timeouts) {
    this.name = spec.name();
    String base = spec.baseUrl().isBlank() ? DEFAULT_BASE_URL : spec.baseUrl().strip();
    this.endpoint = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v2/chat");
    this.keys = keys;
    this.keyRequired = spec.keyRequired();
    this.timeouts = timeouts;
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeouts.connect())
        .build();
    this.exchange = new Exchange(client, timeouts);
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
      int keysToTry = Math.max(1, keys.size());
      while (true) {
        Optional<String> key = keys.next();
        if (key.isEmpty() && keyRequired) {
          throw new FailedCall(new Failure.NoKey());
        }
        HttpRequest http = httpRequest(body, key, onChunk != null);
        try {
          return onChunk == null ? completeOnce(http, request, deadline) : streamOnce(http, request, onChunk, deadline);
        } catch (FailedCall f) {
          // A refused key is refused for every request: take it out, and give this request the next key.
          if (key.isPresent() && f.failure() instanceof Failure.Status s && (s.status() == 401 || s.status() == 403)) {
            keys.reject(key.get(), "HTTP " + s.status());
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

  private ChatResponse completeOnce(HttpRequest http, ChatRequest request, long deadline) throws FailedCall {
    Exchange.Opened opened = exchange.open(http, BodyHandlers.ofString(), deadline);
    RateLimits limits = RateLimitHeaders.parse(opened.info().headers());
    if (!opened.successful()) {
      throw new FailedCall(new Failure.Status(opened.status(), errorBody(opened, deadline), limits));
    }
    return responses.response(exchange.body(opened, deadline), request.model(), limits);
  }

  private ChatResponse streamOnce(HttpRequest http, ChatRequest request, Consumer<ChatChunk> onChunk, long deadline)
      throws FailedCall {
    LineFeed feed = new LineFeed();
    BodyHandler<String> bodies = info -> info.statusCode() / 100 == 2
        ? BodySubscribers.fromLineSubscriber(feed, f -> "", StandardCharsets.UTF_8, null)
        : BodySubscribers.ofString(StandardCharsets.UTF_8);
    Exchange.Opened opened = exchange.open(http, bodies, deadline);
    RateLimits limits = RateLimitHeaders.parse(opened.info().headers());
    if (!opened.successful()) {
      throw new FailedCall(new Failure.Status(opened.status(), errorBody(opened, deadline), limits));
    }
    boolean finished = false;
    try {
      StreamAssembler assembler = new StreamAssembler(json, onChunk, request.model(), limits);
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

package io.promptyard.providers.openai;

import io.promptyard.providers.http.Exchange;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.Failure;
import io.promptyard.providers.http.LineFeed;
import io.promptyard.providers.http.SseDecoder;
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
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link ChatProvider} for OpenAI's chat-completions API and the many servers that copy it (vLLM, Ollama,
 * LiteLLM, Groq, the testkit simulator): {@code POST {baseUrl}/chat/completions}, blocking or streamed; and,
 * for catalog type {@code azure-openai}, Azure OpenAI's deployments of the same API
 * ({@code POST {baseUrl}/openai/deployments/{deployment}/chat/completions?api-version=…}, options
 * {@code apiVersion}, {@code auth}, {@code entraTokenEnv}, {@code deployment.<modelId>}).
 */
public final class OpenAiCompatibleProvider implements ChatProvider {

  private final String name;
  private final Endpoint endpoint;
  private final ApiKeyPool keys;
  private final boolean keyRequired;
  private final HttpClient client;
  private final Exchange exchange;
  private final HttpTimeouts timeouts;
  private final ObjectMapper json = new ObjectMapper();
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
    this.name = spec.name();
    this.endpoint = Endpoint.of(spec);
    this.keys = keys;
    this.keyRequired = spec.keyRequired();
    this.timeouts = timeouts;
    // HTTP/1.1: one call per connection is predictable under load; h2c upgrades confuse some local servers.
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeouts.connect())
        .build();
    this.exchange = new Exchange(client, timeouts);
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
        HttpRequest http = httpRequest(body, request.model(), key, onChunk != null);
        try {
          return onChunk == null ? completeOnce(http, request, deadline) : streamOnce(http, request, onChunk, deadline);
        } catch (FailedCall f) {
          // A refused key is refused for every request: take it out, and give this request the next key.
          if (key.isPresent() && f.failure() instanceof Failure.Status s && (s.status() == 401 || s.status() == 403)) {
            ErrorClassifier.ProviderError e = ErrorClassifier.ProviderError.parse(s.body());
            keys.reject(key.get(), "HTTP " + s.status() + (e.code() == null ? "" : " " + keys.redact(e.code())));
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
      ChatResponse response = isJson(opened)
          ? unstreamed(feed, request, onChunk, limits, deadline)
          : assemble(feed, new StreamAssembler(json, onChunk, request.model(), limits), deadline);
      finished = true;
      return response;
    } finally {
      if (!finished) {
        feed.cancel();
        opened.response().cancel(true);
      }
    }
  }

  private ChatResponse assemble(LineFeed feed, StreamAssembler assembler, long deadline) throws FailedCall {
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
    return assembler.response();
  }

  /** Some compatible servers ignore {@code stream: true} and answer with one completion object. */
  private ChatResponse unstreamed(LineFeed feed, ChatRequest request, Consumer<ChatChunk> onChunk, RateLimits limits,
      long deadline) throws FailedCall {
    StringBuilder body = new StringBuilder();
    for (String line = feed.next(deadline, exchange.totalOverdue()); line != null; line = feed.next(deadline, exchange.totalOverdue())) {
      body.append(line).append('\n');
    }
    ChatResponse response = responses.response(body.toString(), request.model(), limits);
    onChunk.accept(new ChatChunk(0, response.text() == null ? "" : response.text(), response.finishReason()));
    return response;
  }

  private static boolean isJson(Exchange.Opened opened) {
    return opened.info().headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT).startsWith("application/json");
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

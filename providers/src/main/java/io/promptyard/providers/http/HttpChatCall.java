package io.promptyard.providers.http;

import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.providers.RateLimitHeaders;
import io.promptyard.providers.RateLimits;
import java.net.http.HttpHeaders;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The HTTP half that every JSON-over-HTTP adapter shares: one call under the connect, first-byte
 * and total deadlines, with the keys of the pool tried in turn — a key the provider refuses is
 * taken out of the pool and the call repeated with the next — and a streamed answer read as
 * server-sent events. No answer body, streamed or not, is read past {@code maxResponseBytes}. Which
 * HTTP client carries the call is {@link Exchange}'s business alone. What differs between providers
 * (URL, headers, bodies, rate-limit headers, which refusals condemn a key) is the adapter's {@link
 * Wire}.
 */
public final class HttpChatCall implements AutoCloseable {

  /** One adapter's side of a call: how to send it and how to read what comes back. */
  public interface Wire {

    /** The HTTP request with {@code key} (if any) in the provider's authentication header. */
    ProviderRequest request(Optional<String> key, boolean stream) throws FailedCall;

    /**
     * What the response headers say about rate limits. The default reads the {@code x-ratelimit-*}
     * and {@code Retry-After} headers that OpenAI made common ({@link RateLimitHeaders}).
     */
    default RateLimits rateLimits(HttpHeaders headers) {
      return RateLimitHeaders.parse(headers);
    }

    /** Reads a whole (non-streamed) answer. */
    ChatResponse response(String body, RateLimits limits) throws FailedCall;

    /** A fresh reader for one streamed answer, handing deltas to {@code onChunk}. */
    EventReader events(Consumer<ChatChunk> onChunk, RateLimits limits);

    /**
     * Why a failed answer means the key itself is refused, for the pool's log (never the key);
     * empty when the key is not to blame. The default: HTTP 401 and 403.
     */
    default Optional<String> refusesKey(Failure.Status failure) {
      return refusedBy401Or403(failure, body -> null);
    }
  }

  /**
   * A key refused by HTTP 401 or 403, described by the status and the error type or code the
   * provider's body names ({@code errorName} reads it from the body, null when there is none);
   * empty for any other status.
   */
  public static Optional<String> refusedBy401Or403(
      Failure.Status failure, Function<String, String> errorName) {
    if (failure.status() != 401 && failure.status() != 403) {
      return Optional.empty();
    }
    String name = errorName.apply(failure.body());
    return Optional.of("HTTP " + failure.status() + (name == null ? "" : " " + name));
  }

  /** Assembles one streamed answer from its events' data. */
  public interface EventReader {
    void event(String data) throws FailedCall;

    ChatResponse response() throws FailedCall;
  }

  private final Exchange exchange;
  private final HttpTimeouts timeouts;
  private final long maxResponseBytes;

  /**
   * @param timeouts connect, first-byte and total deadlines of each call
   * @param maxResponseBytes the most bytes read of one answer body; past it the call fails, not
   *     retryable
   */
  public HttpChatCall(HttpTimeouts timeouts, long maxResponseBytes) {
    this.timeouts = timeouts;
    this.maxResponseBytes = maxResponseBytes;
    this.exchange = new Exchange(timeouts);
  }

  /**
   * Makes the call, blocking or streamed, trying the pool's keys in turn while the provider refuses
   * them.
   *
   * @param onChunk receives the deltas of a streamed call; null for a blocking call
   */
  public ChatResponse call(
      ApiKeyPool keys, boolean keyRequired, Wire wire, Consumer<ChatChunk> onChunk)
      throws FailedCall {
    return call(keys, null, keyRequired, wire, onChunk);
  }

  /**
   * Makes the call with the key {@code keyId} names first (the next in rotation when it is null or
   * gone), then the pool's other keys in turn while the provider refuses them.
   */
  public ChatResponse call(
      ApiKeyPool keys, String keyId, boolean keyRequired, Wire wire, Consumer<ChatChunk> onChunk)
      throws FailedCall {
    long deadline = System.nanoTime() + timeouts.total().toNanos();
    int keysToTry = Math.max(1, keys.size());
    String wanted = keyId;
    while (true) {
      Optional<String> key = keys.next(wanted);
      wanted = null;
      if (key.isEmpty() && keyRequired) {
        throw new FailedCall(new Failure.NoKey());
      }
      ProviderRequest http = wire.request(key, onChunk != null);
      try {
        return onChunk == null
            ? completeOnce(http, wire, deadline)
            : streamOnce(http, wire, onChunk, deadline);
      } catch (FailedCall f) {
        // A refused key is refused for every request: take it out, and give this request the next
        // key.
        if (key.isPresent() && f.failure() instanceof Failure.Status s) {
          Optional<String> why = wire.refusesKey(s);
          if (why.isPresent()) {
            keys.reject(key.get(), keys.redact(why.get()));
            if (--keysToTry > 0 && !keys.isEmpty()) {
              continue;
            }
          }
        }
        throw f;
      }
    }
  }

  /**
   * Sends a request whose answer only matters by its status (a key check's models list), under the
   * call's deadlines; the body of a 2xx answer is read up to {@code maxResponseBytes} and dropped.
   *
   * @throws FailedCall with the failure, a {@link Failure.Status} for a non-2xx answer
   */
  public void probe(ProviderRequest http) throws FailedCall {
    long deadline = System.nanoTime() + timeouts.total().toNanos();
    Exchange.Opened opened = exchange.open(http, maxResponseBytes, false, deadline);
    requireSuccess(opened, RateLimitHeaders.parse(opened.headers()), deadline);
    try {
      exchange.body(opened, deadline);
    } catch (FailedCall tooLargeOrSlow) {
      // The status already answered the question; a long model list cut short changes nothing.
      opened.cancel();
    }
  }

  /**
   * Sends a request that is not a chat call (a moderation check) under the call's deadlines, and
   * returns the body of its 2xx answer, read up to {@code maxResponseBytes}.
   *
   * @throws FailedCall with the failure, a {@link Failure.Status} for a non-2xx answer
   */
  public String send(ProviderRequest http) throws FailedCall {
    long deadline = System.nanoTime() + timeouts.total().toNanos();
    Exchange.Opened opened = exchange.open(http, maxResponseBytes, false, deadline);
    requireSuccess(opened, RateLimitHeaders.parse(opened.headers()), deadline);
    return exchange.body(opened, deadline);
  }

  private ChatResponse completeOnce(ProviderRequest http, Wire wire, long deadline)
      throws FailedCall {
    Exchange.Opened opened = exchange.open(http, maxResponseBytes, false, deadline);
    RateLimits limits = wire.rateLimits(opened.headers());
    requireSuccess(opened, limits, deadline);
    return wire.response(exchange.body(opened, deadline), limits);
  }

  private ChatResponse streamOnce(
      ProviderRequest http, Wire wire, Consumer<ChatChunk> onChunk, long deadline)
      throws FailedCall {
    Exchange.Opened opened = exchange.open(http, maxResponseBytes, true, deadline);
    RateLimits limits = wire.rateLimits(opened.headers());
    requireSuccess(opened, limits, deadline);
    LineFeed feed = opened.lines();
    boolean finished = false;
    try {
      ChatResponse response =
          isJson(opened)
              ? unstreamed(feed, wire, onChunk, limits, deadline)
              : assemble(feed, wire.events(onChunk, limits), deadline);
      finished = true;
      return response;
    } finally {
      if (!finished) {
        opened.cancel();
      }
    }
  }

  /**
   * Throws a non-2xx answer as a {@link Failure.Status}, with its error body and the rate limits
   * its headers gave.
   */
  private void requireSuccess(Exchange.Opened opened, RateLimits limits, long deadline)
      throws FailedCall {
    if (!opened.successful()) {
      throw new FailedCall(
          new Failure.Status(opened.status(), errorBody(opened, deadline), limits));
    }
  }

  private ChatResponse assemble(LineFeed feed, EventReader reader, long deadline)
      throws FailedCall {
    SseDecoder.decode(() -> feed.next(deadline, exchange.totalOverdue()), reader::event);
    return reader.response();
  }

  /**
   * Some servers ignore a request to stream and answer with one JSON object: it becomes a single
   * chunk.
   */
  private ChatResponse unstreamed(
      LineFeed feed, Wire wire, Consumer<ChatChunk> onChunk, RateLimits limits, long deadline)
      throws FailedCall {
    StringBuilder body = new StringBuilder();
    for (String line = feed.next(deadline, exchange.totalOverdue());
        line != null;
        line = feed.next(deadline, exchange.totalOverdue())) {
      body.append(line).append('\n');
    }
    ChatResponse response = wire.response(body.toString(), limits);
    onChunk.accept(
        new ChatChunk(0, response.text() == null ? "" : response.text(), response.finishReason()));
    return response;
  }

  private static boolean isJson(Exchange.Opened opened) {
    return opened
        .headers()
        .firstValue("Content-Type")
        .orElse("")
        .toLowerCase(Locale.ROOT)
        .startsWith("application/json");
  }

  /**
   * The error body, or "" when it does not arrive in time: the status alone still classifies the
   * failure.
   */
  private String errorBody(Exchange.Opened opened, long deadline) {
    try {
      return exchange.body(opened, deadline);
    } catch (FailedCall unreadable) {
      return "";
    }
  }

  /** Lets calls in flight finish, and accepts no new ones. */
  @Override
  public void close() {
    exchange.close();
  }
}

package io.promptyard.providers.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.RateLimitHeaders;
import io.promptyard.providers.RateLimits;
import io.promptyard.schemas.serde.JsonMappers;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The {@link HttpChatCall.Wire} of an adapter that POSTs one JSON body to one endpoint: the adapter
 * supplies how an answer is read, whole or streamed, and, where it differs from the default, how
 * rate-limit headers are read and which refusals condemn a key.
 */
public final class JsonWire implements HttpChatCall.Wire {

  private static final ObjectMapper JSON = JsonMappers.mapper();

  /** Reads a whole (non-streamed) answer. */
  @FunctionalInterface
  public interface Answers {
    ChatResponse read(String body, String requestedModel, RateLimits limits) throws FailedCall;
  }

  /** A fresh reader for one streamed answer. */
  @FunctionalInterface
  public interface Events {
    HttpChatCall.EventReader reader(StreamAssembler.Stream stream);
  }

  private final JsonPost post;
  private final URI endpoint;
  private final byte[] body;
  private final String model;
  private final Answers answers;
  private final Events events;
  private final Function<HttpHeaders, RateLimits> rateLimits;
  private final Function<Failure.Status, Optional<String>> refusesKey;

  /**
   * A wire reading the {@code x-ratelimit-*} headers ({@link RateLimitHeaders}) and condemning a
   * key on HTTP 401 and 403, as {@link HttpChatCall.Wire} does by default.
   *
   * @param body the request body the adapter built, written out here with Jackson's defaults
   * @param model the model the request named, for an answer that names none
   */
  public JsonWire(
      JsonPost post, URI endpoint, JsonNode body, String model, Answers answers, Events events) {
    this(
        post,
        endpoint,
        JsonPost.body(JSON, body),
        model,
        answers,
        events,
        RateLimitHeaders::parse,
        s -> HttpChatCall.refusedBy401Or403(s, errorBody -> null));
  }

  private JsonWire(
      JsonPost post,
      URI endpoint,
      byte[] body,
      String model,
      Answers answers,
      Events events,
      Function<HttpHeaders, RateLimits> rateLimits,
      Function<Failure.Status, Optional<String>> refusesKey) {
    this.post = post;
    this.endpoint = endpoint;
    this.body = body;
    this.model = model;
    this.answers = answers;
    this.events = events;
    this.rateLimits = rateLimits;
    this.refusesKey = refusesKey;
  }

  /** This wire, reading the provider's own rate-limit headers. */
  public JsonWire readingRateLimits(Function<HttpHeaders, RateLimits> reader) {
    return new JsonWire(post, endpoint, body, model, answers, events, reader, refusesKey);
  }

  /** This wire, with the provider's own rule for which failed answers condemn the key. */
  public JsonWire refusingKeys(Function<Failure.Status, Optional<String>> rule) {
    return new JsonWire(post, endpoint, body, model, answers, events, rateLimits, rule);
  }

  @Override
  public ProviderRequest request(Optional<String> key, boolean stream) throws FailedCall {
    return post.request(endpoint, body, stream, key);
  }

  @Override
  public RateLimits rateLimits(HttpHeaders headers) {
    return rateLimits.apply(headers);
  }

  @Override
  public ChatResponse response(String answer, RateLimits limits) throws FailedCall {
    return answers.read(answer, model, limits);
  }

  @Override
  public HttpChatCall.EventReader events(Consumer<ChatChunk> onChunk, RateLimits limits) {
    return events.reader(new StreamAssembler.Stream(onChunk, model, limits));
  }

  @Override
  public Optional<String> refusesKey(Failure.Status failure) {
    return refusesKey.apply(failure);
  }
}

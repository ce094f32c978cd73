package io.promptyard.providers.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * How an adapter POSTs its JSON body: with the headers every provider gets (content type, what we
 * accept, who we are), the provider's own fixed headers, and the API key in the provider's
 * authentication header. This is where a key enters an HTTP adapter's request, so where a key that
 * an HTTP header cannot carry is kept out of the error message.
 */
public final class JsonPost {

  /** Puts a key into a request, in the header the provider reads it from. */
  @FunctionalInterface
  public interface Authentication {
    void authenticate(ProviderRequest.Builder request, String key);
  }

  private final Authentication authentication;
  private final Map<String, String> headers;

  /**
   * @param headers the provider's own headers, sent with every request (an API version, a client
   *     name)
   */
  public JsonPost(Authentication authentication, Map<String, String> headers) {
    this.authentication = authentication;
    this.headers = Map.copyOf(headers);
  }

  /** The key as {@code Authorization: Bearer <key>}. */
  public static Authentication bearer() {
    return (request, key) -> request.header("Authorization", "Bearer " + key);
  }

  /** The key as the whole value of header {@code name}, e.g. {@code x-api-key}. */
  public static Authentication header(String name) {
    return (request, key) -> request.header(name, key);
  }

  /** The bytes of a body an adapter built as a JSON tree. */
  public static byte[] body(ObjectMapper json, JsonNode tree) {
    try {
      return json.writeValueAsBytes(tree);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write a JSON tree that Jackson itself built", e);
    }
  }

  /**
   * The GET of {@code uri} with the provider's headers and {@code key} (if any) in its
   * authentication header, for requests without a body such as a key check's models list.
   *
   * @throws FailedCall (unsendable) when the key holds characters an HTTP header cannot carry
   */
  public ProviderRequest get(URI uri, Optional<String> key) throws FailedCall {
    ProviderRequest.Builder b =
        ProviderRequest.get(uri)
            .header("Accept", "application/json")
            .header("User-Agent", "promptyard");
    return authenticated(b, key);
  }

  /**
   * The POST of {@code body} to {@code uri}, asking for server-sent events when {@code stream},
   * with {@code key} (if any) in the provider's authentication header.
   *
   * @throws FailedCall (unsendable) when the key holds characters an HTTP header cannot carry
   */
  public ProviderRequest request(URI uri, byte[] body, boolean stream, Optional<String> key)
      throws FailedCall {
    ProviderRequest.Builder b =
        ProviderRequest.post(uri, body)
            .header("Content-Type", "application/json")
            .header("Accept", stream ? "text/event-stream" : "application/json")
            .header("User-Agent", "promptyard");
    return authenticated(b, key);
  }

  private ProviderRequest authenticated(ProviderRequest.Builder b, Optional<String> key)
      throws FailedCall {
    headers.forEach(b::header);
    try {
      key.ifPresent(k -> authentication.authenticate(b, k));
    } catch (IllegalArgumentException quotesTheKey) {
      // A key with a line break would smuggle a header into the request. ApiKeyPool keeps such keys
      // out, so this is defence in depth; the message never quotes the value.
      throw FailedCall.unsendable("the API key contains characters not allowed in an HTTP header");
    }
    return b.build();
  }
}

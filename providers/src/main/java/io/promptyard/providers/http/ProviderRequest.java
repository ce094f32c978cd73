package io.promptyard.providers.http;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One HTTP request to a provider as an adapter builds it (method, URL, headers, body), whatever
 * client sends it: the adapters know this value, only {@link Exchange} knows the client.
 *
 * @param body the request body; null for a request without one (a GET)
 */
public record ProviderRequest(String method, URI uri, List<Header> headers, byte[] body) {

  /** One request header, in the order it is sent. */
  public record Header(String name, String value) {}

  public ProviderRequest {
    headers = List.copyOf(headers);
  }

  /** A builder for a GET of {@code uri}. */
  public static Builder get(URI uri) {
    return new Builder("GET", uri, null);
  }

  /** A builder for a POST of {@code body} to {@code uri}. */
  public static Builder post(URI uri, byte[] body) {
    return new Builder("POST", uri, body);
  }

  /** The first value of header {@code name} (case-insensitive), if the request has it. */
  public Optional<String> header(String name) {
    return headers.stream()
        .filter(h -> h.name().equalsIgnoreCase(name))
        .map(Header::value)
        .findFirst();
  }

  /** Collects the headers of one request, refusing those that HTTP/1.1 cannot carry. */
  public static final class Builder {
    private final String method;
    private final URI uri;
    private final byte[] body;
    private final List<Header> headers = new ArrayList<>();

    private Builder(String method, URI uri, byte[] body) {
      this.method = method;
      this.uri = uri;
      this.body = body;
    }

    /**
     * Adds header {@code name: value}.
     *
     * @throws IllegalArgumentException when the name is not an HTTP token or the value holds a
     *     control character (a line break would split the request); the message names the header,
     *     never the value, which may be a key
     */
    public Builder header(String name, String value) {
      if (name.isEmpty() || !name.chars().allMatch(Builder::isTokenChar)) {
        throw new IllegalArgumentException("invalid HTTP header name: " + name);
      }
      if (!value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c != 0x7f && c <= 0xff))) {
        throw new IllegalArgumentException("invalid value of HTTP header " + name);
      }
      headers.add(new Header(name, value));
      return this;
    }

    public ProviderRequest build() {
      return new ProviderRequest(method, uri, headers, body);
    }

    // RFC 9110 section 5.6.2: token characters
    private static boolean isTokenChar(int c) {
      return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }
  }
}

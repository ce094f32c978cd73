package io.promptyard.providers.conformance;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

/**
 * The base of the fixtures whose providers answer in JSON and server-sent events: the body builders
 * they all need, so that each fixture holds only its provider's documented shapes.
 */
abstract class WireMockFixture implements ProviderFixture {

  /** An answer with {@code status}, the given Content-Type and {@code body}. */
  protected static ResponseDefinitionBuilder answer(int status, String contentType, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", contentType).withBody(body);
  }

  /** A JSON answer. */
  protected static ResponseDefinitionBuilder json(int status, String body) {
    return answer(status, "application/json", body);
  }

  /** A 200 stream of server-sent events. */
  protected static ResponseDefinitionBuilder sse(String body) {
    return answer(200, "text/event-stream", body);
  }

  /** One named server-sent event: the event name, then the data on one line. */
  protected static void event(StringBuilder b, String name, String data) {
    b.append("event: ")
        .append(name)
        .append('\n')
        .append("data: ")
        .append(data.replace("\n", " "))
        .append("\n\n");
  }

  /** {@code s} as a JSON string literal, or {@code null}. */
  protected static String quoted(String s) {
    return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}

package io.promptyard.testkit.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Sends one exchange's response with the headers OpenAI puts on every response. */
final class Reply {

  private final HttpExchange exchange;
  private final ObjectMapper mapper;
  private final long startNanos;
  private final Runnable onAnswer;
  private boolean answered;

  /**
   * Starts the reply to a request that has just come in: its processing time counts from now.
   *
   * @param onAnswer runs once, just before the response's status line goes out (so a counter is up
   *     to date when the client sees it)
   */
  Reply(HttpExchange exchange, ObjectMapper mapper, String requestId, Runnable onAnswer) {
    this.startNanos = System.nanoTime();
    this.exchange = exchange;
    this.mapper = mapper;
    this.onAnswer = onAnswer;
    header("x-request-id", requestId);
  }

  /** Whether the response's status line went out (or was about to). */
  boolean answered() {
    return answered;
  }

  void header(String name, String value) {
    exchange.getResponseHeaders().set(name, value);
  }

  void headers(Map<String, String> headers) {
    headers.forEach(this::header);
  }

  boolean sent() {
    return exchange.getResponseCode() != -1;
  }

  void json(int status, JsonNode body) throws IOException {
    byte[] bytes = mapper.writeValueAsBytes(body);
    header("Content-Type", "application/json");
    sendHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  void error(ApiError error) throws IOException {
    json(error.status(), error.toJson(mapper));
  }

  /**
   * Starts a chunked 200 response of server-sent events; the caller writes them with {@link
   * #event}.
   */
  OutputStream startEventStream() throws IOException {
    header("Content-Type", "text/event-stream; charset=utf-8");
    header("Cache-Control", "no-cache");
    sendHeaders(200, 0);
    return exchange.getResponseBody();
  }

  /**
   * Writes one {@code data:} event and flushes it, so the client sees each chunk as it is produced.
   */
  void event(OutputStream out, String data) throws IOException {
    out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  void event(OutputStream out, JsonNode data) throws IOException {
    event(out, mapper.writeValueAsString(data));
  }

  private void sendHeaders(int status, long length) throws IOException {
    header("openai-processing-ms", Long.toString((System.nanoTime() - startNanos) / 1_000_000));
    if (!answered) {
      answered = true;
      onAnswer.run();
    }
    // The JDK server takes a length of 0 to mean a chunked body of unknown length.
    exchange.sendResponseHeaders(status, length);
  }
}

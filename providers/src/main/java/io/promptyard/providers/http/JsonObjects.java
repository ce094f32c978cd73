package io.promptyard.providers.http;

import static io.promptyard.providers.http.FailedCall.malformed;
import static io.promptyard.providers.http.FailedCall.unsendable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.providers.RateLimits;
import io.promptyard.schemas.ToolCall;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON objects an adapter reads from text: those a request carries inside a string, where bad
 * JSON is the caller's error, found before any call is made; and a provider's answers, where it is
 * the provider's.
 */
public final class JsonObjects {

  private JsonObjects() {}

  /**
   * The JSON object in a request's {@code text} (a tool's parameter schema, a response format's
   * schema).
   *
   * @param what names the field for the error message, e.g. "response_format schemaJson"
   * @throws FailedCall (unsendable) when {@code text} is not JSON or not an object
   */
  public static JsonNode inRequest(ObjectMapper json, String text, String what) throws FailedCall {
    try {
      JsonNode node = json.readTree(text);
      if (node == null || !node.isObject()) {
        throw unsendable(what + " must be a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw unsendable(what + " is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /**
   * The JSON object of a provider's 2xx answer, {@code text} being a whole body or one stream
   * event's data.
   *
   * @param what names the text for the error message: "the body", "a stream event"
   * @throws FailedCall (malformed) when {@code text} is not JSON or not an object
   */
  public static JsonNode inAnswer(
      ObjectMapper json, String text, String what, RateLimits rateLimits) throws FailedCall {
    JsonNode node;
    try {
      node = json.readTree(text);
    } catch (IOException e) {
      throw malformed(what + " is not JSON (" + e.getClass().getSimpleName() + ")", e, rateLimits);
    }
    if (node == null || !node.isObject()) {
      throw malformed(what + " is not a JSON object", null, rateLimits);
    }
    return node;
  }

  /**
   * {@code node}, a part every answer of the provider has (its message, its first choice), when it
   * is a JSON object.
   *
   * @param what names the part for the error message, e.g. "choices[0].message"
   * @param said what the answer says in its place (an error's message), or null
   * @throws FailedCall (malformed) when {@code node} is missing or not an object
   */
  public static JsonNode part(JsonNode node, String what, String said, RateLimits rateLimits)
      throws FailedCall {
    if (!node.isObject()) {
      throw malformed(
          "it has no " + what + (said == null ? "" : "; it says: " + said), null, rateLimits);
    }
    return node;
  }

  /** Reads the fields of an answer that parsed; see {@link #fields}. */
  @FunctionalInterface
  public interface FieldReader<T> {
    T read() throws IOException, FailedCall;
  }

  /**
   * What {@code reader} reads from an answer's fields; a field of an unexpected type or value
   * (Jackson's or a parse's exception) fails the call as a malformed answer, not retryable.
   */
  public static <T> T fields(RateLimits rateLimits, FieldReader<T> reader) throws FailedCall {
    try {
      return reader.read();
    } catch (IOException | RuntimeException e) {
      throw malformed(
          "its fields have unexpected types or values (" + e.getMessage() + ")", e, rateLimits);
    }
  }

  /**
   * The tool calls of an answer's {@code tool_calls} array in OpenAI's shape ({@code id}, {@code
   * function.name}, {@code function.arguments}), which Cohere's v2 API shares.
   */
  public static List<ToolCall> functionCalls(JsonNode toolCalls) {
    List<ToolCall> calls = new ArrayList<>();
    for (JsonNode c : toolCalls) {
      calls.add(
          ToolCall.newBuilder()
              .setId(c.path("id").asText())
              .setName(c.path("function").path("name").asText())
              .setArguments(c.path("function").path("arguments").asText(""))
              .build());
    }
    return calls;
  }

  /** The node's text when it is a JSON string; null when it is missing, null or of another type. */
  public static String textOrNull(JsonNode node) {
    return node.isTextual() ? node.asText() : null;
  }

  /**
   * The node's text when it is a non-empty JSON string, else {@code fallback} (the model an answer
   * names, else the one the request named).
   */
  public static String textOr(JsonNode node, String fallback) {
    String text = textOrNull(node);
    return text == null || text.isEmpty() ? fallback : text;
  }
}

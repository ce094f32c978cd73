package io.promptyard.providers.http;

import static io.promptyard.providers.http.FailedCall.unsendable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JSON that a request carries inside a string — a tool's parameter schema, a response format's schema — read
 * when an adapter builds the provider's body, so that bad JSON is the caller's error before any call is made.
 */
public final class EmbeddedJson {

  private EmbeddedJson() {}

  /**
   * The JSON object in {@code text}.
   *
   * @param what names the field for the error message, e.g. "response_format schemaJson"
   * @throws FailedCall (unsendable) when {@code text} is not JSON or not an object
   */
  public static JsonNode object(ObjectMapper json, String text, String what) throws FailedCall {
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
}

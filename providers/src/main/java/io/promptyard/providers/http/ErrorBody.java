package io.promptyard.providers.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.function.Function;

/**
 * Reads the body of a provider's error answer, which may be the provider's JSON error object or,
 * from a proxy in front of it, an HTML page or a plain-text message.
 */
public final class ErrorBody {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ErrorBody() {}

  /** A field of an error object as text; null when it is missing, null, an object or an array. */
  public static String text(JsonNode field) {
    return field.isValueNode() && !field.isNull() ? field.asText() : null;
  }

  /**
   * {@code body} read by {@code reader} when it is JSON of a shape the reader knows; otherwise (no
   * JSON, or {@code reader} returns null) the body itself, stripped, handed to {@code raw}, which
   * is all there is then; a blank body hands {@code raw} null.
   */
  public static <T> T read(String body, Function<JsonNode, T> reader, Function<String, T> raw) {
    if (body == null || body.isBlank()) {
      return raw.apply(null);
    }
    try {
      JsonNode root = JSON.readTree(body);
      T read = root == null ? null : reader.apply(root);
      if (read != null) {
        return read;
      }
    } catch (IOException notJson) {
      // the raw body is all we have
    }
    return raw.apply(body.strip());
  }
}

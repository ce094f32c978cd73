package io.promptyard.cli.guard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.router.guard.ToolArguments;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of a {@code guard check} file: {@code {"id": …, "text": …}} or a chat-completions body
 * ({@code {"messages": [...]}}), read into the texts a guard inspects, each with where it came
 * from.
 */
record GuardInput(String id, List<Segment> segments) {

  /**
   * A text with its message index, role and, for a content part, the part's index, or for a value
   * of a tool call's arguments, the call's index.
   */
  record Segment(int message, String role, Integer part, Integer toolCall, String text) {}

  /** A line that cannot be checked; its message never quotes the line. */
  static final class BadLine extends Exception {
    BadLine(String message) {
      super(message);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  static GuardInput parse(String line, int lineNumber) throws BadLine {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      // Jackson's message quotes the offending token, which could be the very value to hide.
      throw new BadLine(
          "not JSON (line " + lineNumber + ", column " + e.getLocation().getColumnNr() + ")");
    }
    if (node == null || !node.isObject()) {
      throw new BadLine("expected a JSON object with \"text\" or \"messages\"");
    }
    String id = node.hasNonNull("id") ? node.get("id").asText() : "line-" + lineNumber;
    List<Segment> segments = new ArrayList<>();
    if (node.get("text") instanceof JsonNode text && text.isTextual()) {
      segments.add(new Segment(0, "user", null, null, text.asText()));
    } else if (node.get("messages") instanceof JsonNode messages && messages.isArray()) {
      for (int i = 0; i < messages.size(); i++) {
        JsonNode m = messages.get(i);
        String role = m.path("role").asText("user");
        JsonNode content = m.path("content");
        if (content.isTextual()) {
          segments.add(new Segment(i, role, null, null, content.asText()));
        } else if (content.isArray()) {
          for (int p = 0; p < content.size(); p++) {
            JsonNode part = content.get(p);
            if (part.path("text").isTextual()) {
              segments.add(new Segment(i, role, p, null, part.get("text").asText()));
            }
          }
        } else if (!content.isMissingNode() && !content.isNull()) {
          throw new BadLine("messages[" + i + "].content must be a string or an array of parts");
        }
        // As the router reads them (GuardStage.texts): each value of a call's JSON arguments.
        JsonNode calls = m.path("tool_calls");
        for (int c = 0; calls.isArray() && c < calls.size(); c++) {
          JsonNode arguments = calls.get(c).path("function").path("arguments");
          if (arguments.isTextual()) {
            for (String value : ToolArguments.texts(arguments.asText())) {
              segments.add(new Segment(i, role, null, c, value));
            }
          }
        }
      }
    } else {
      throw new BadLine("expected a string \"text\" or an array \"messages\"");
    }
    return new GuardInput(id, segments);
  }
}

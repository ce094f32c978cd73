package io.promptyard.providers.anthropic;

import static io.promptyard.providers.http.FailedCall.unsendable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.JsonObjects;
import io.promptyard.providers.http.TextParts;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes Promptyard's messages as the Messages API's {@code system} and {@code messages}
 * (https://docs.claude.com/en/api/messages):
 *
 * <ul>
 *   <li>system and developer messages go to the top-level {@code system}, wherever they stand in
 *       the conversation;
 *   <li>assistant tool calls are {@code tool_use} blocks whose {@code input} is the parsed
 *       arguments object;
 *   <li>tool results are {@code tool_result} blocks in a user turn, and consecutive messages of the
 *       same role are merged into one turn, because the API wants user and assistant turns to
 *       alternate;
 *   <li>image parts are {@code image} blocks with a base64 source (data: URLs) or a url source
 *       (http(s) URLs);
 *   <li>a message's {@code name} and an image part's {@code detail} have no Anthropic equivalent
 *       and are ignored.
 * </ul>
 */
final class AnthropicConversationMapper {

  // https://docs.claude.com/en/docs/build-with-claude/vision: the image types Claude accepts.
  private static final Set<String> IMAGE_TYPES =
      Set.of("image/jpeg", "image/png", "image/gif", "image/webp");
  private static final Pattern DATA_URL =
      Pattern.compile("data:([^;,]+);base64,(.*)", Pattern.DOTALL);

  private final ObjectMapper json;

  AnthropicConversationMapper(ObjectMapper json) {
    this.json = json;
  }

  /**
   * The turns of the conversation; the text of system and developer messages is added to {@code
   * system}.
   */
  ArrayNode messages(List<Message> messages, List<String> system) throws FailedCall {
    ArrayNode out = json.createArrayNode();
    String turnRole = null;
    List<ObjectNode> turn = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      String role =
          switch (m.getRole()) {
            case SYSTEM, DEVELOPER -> {
              system.add(systemText(m, i));
              yield null;
            }
            case USER, TOOL -> "user";
            case ASSISTANT -> "assistant";
            case UNKNOWN_ROLE ->
                throw unsendable(
                    "message "
                        + i
                        + " has role UNKNOWN_ROLE (written by a newer producer?), "
                        + "which the Messages API has no role for");
          };
      if (role == null) {
        continue;
      }
      if (!role.equals(turnRole)) {
        flush(out, turnRole, turn, i);
        turnRole = role;
      }
      turn.addAll(blocks(m, i));
    }
    flush(out, turnRole, turn, messages.size());
    return out;
  }

  /** Ends a turn; tool results go first in a user turn, as the API requires. */
  private void flush(ArrayNode out, String role, List<ObjectNode> turn, int before)
      throws FailedCall {
    if (role == null) {
      return;
    }
    if (turn.isEmpty()) {
      throw unsendable(
          "the "
              + role
              + " turn before message "
              + before
              + " has no content (no text, parts or tool calls)");
    }
    ArrayNode content = out.addObject().put("role", role).putArray("content");
    turn.stream().filter(b -> b.path("type").asText().equals("tool_result")).forEach(content::add);
    turn.stream().filter(b -> !b.path("type").asText().equals("tool_result")).forEach(content::add);
    turn.clear();
  }

  private String systemText(Message m, int i) throws FailedCall {
    if (m.getParts().isEmpty()) {
      return m.getText() == null ? "" : m.getText();
    }
    return String.join(
        "",
        TextParts.of(
            m.getParts(),
            type ->
                "message "
                    + i
                    + " ("
                    + m.getRole()
                    + ") has a '"
                    + type
                    + "' part; Anthropic's system prompt takes text only"));
  }

  private List<ObjectNode> blocks(Message m, int i) throws FailedCall {
    List<ObjectNode> content = new ArrayList<>();
    if (m.getRole() == Role.TOOL) {
      if (m.getToolCallId() == null) {
        throw unsendable(
            "message "
                + i
                + " is a tool result without the id of the tool call it answers (toolCallId)");
      }
      ObjectNode result =
          json.createObjectNode().put("type", "tool_result").put("tool_use_id", m.getToolCallId());
      List<ObjectNode> inner = contentBlocks(m, i);
      if (!inner.isEmpty()) {
        result.putArray("content").addAll(inner);
      }
      content.add(result);
      return content;
    }
    content.addAll(contentBlocks(m, i));
    for (ToolCall call : m.getToolCalls()) {
      ObjectNode use =
          json.createObjectNode()
              .put("type", "tool_use")
              .put("id", call.getId())
              .put("name", call.getName());
      String args = call.getArguments();
      // Claude's tool_use.input is an object, where chat completions carry the arguments as JSON
      // text.
      use.set(
          "input",
          args == null || args.isBlank()
              ? json.createObjectNode()
              : JsonObjects.inRequest(
                  json, args, "the arguments of tool call " + call.getId() + " in message " + i));
      content.add(use);
    }
    return content;
  }

  /** Text and image blocks; empty text is left out, because the API rejects empty text blocks. */
  private List<ObjectNode> contentBlocks(Message m, int i) throws FailedCall {
    List<ObjectNode> blocks = new ArrayList<>();
    if (m.getParts().isEmpty()) {
      if (m.getText() != null && !m.getText().isEmpty()) {
        blocks.add(text(m.getText()));
      }
      return blocks;
    }
    for (ContentPart part : m.getParts()) {
      switch (part.getType()) {
        case "text" -> {
          if (part.getText() != null && !part.getText().isEmpty()) {
            blocks.add(text(part.getText()));
          }
        }
        case "image_url" -> blocks.add(image(part.getImageUrl(), i));
        default ->
            throw unsendable(
                "message "
                    + i
                    + " has content part type '"
                    + part.getType()
                    + "', which is not supported (text, image_url)");
      }
    }
    return blocks;
  }

  private ObjectNode text(String text) {
    return json.createObjectNode().put("type", "text").put("text", text);
  }

  /**
   * A data: URL becomes a base64 source, an http(s) URL a url source:
   * https://docs.claude.com/en/docs/build-with-claude/vision
   */
  private ObjectNode image(String url, int i) throws FailedCall {
    if (url == null || url.isBlank()) {
      throw unsendable("message " + i + " has an image_url part without imageUrl");
    }
    ObjectNode block = json.createObjectNode().put("type", "image");
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("data:")) {
      Matcher data = DATA_URL.matcher(url);
      if (!data.matches()) {
        throw unsendable(
            "message "
                + i
                + " has an image data: URL that is not base64 (data:<type>;base64,<data>)");
      }
      String mediaType = data.group(1).toLowerCase(Locale.ROOT);
      if (!IMAGE_TYPES.contains(mediaType)) {
        throw unsendable(
            "message "
                + i
                + " has an image of type "
                + mediaType
                + "; Claude accepts "
                + String.join(", ", IMAGE_TYPES.stream().sorted().toList()));
      }
      block
          .putObject("source")
          .put("type", "base64")
          .put("media_type", mediaType)
          .put("data", data.group(2));
    } else if (lower.startsWith("https://") || lower.startsWith("http://")) {
      block.putObject("source").put("type", "url").put("url", url);
    } else {
      throw unsendable(
          "message "
              + i
              + " has an image URL that is neither https:// nor data: ("
              + scheme(url)
              + ")");
    }
    return block;
  }

  private static String scheme(String url) {
    int colon = url.indexOf(':');
    return colon < 0 || colon > 20 ? "no scheme" : url.substring(0, colon + 1);
  }
}

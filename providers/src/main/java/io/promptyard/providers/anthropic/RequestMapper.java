package io.promptyard.providers.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.Failure;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.ToolCall;
import io.promptyard.schemas.ToolDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a {@link ChatRequest} as a Messages API request body (https://docs.claude.com/en/api/messages).
 *
 * <p>Where the Messages API differs from chat completions:
 * <ul>
 *   <li>system and developer messages go to the top-level {@code system}, wherever they stand in the conversation;
 *   <li>tool results are {@code tool_result} blocks in a user turn, and consecutive messages of the same role are
 *       merged into one turn, because the API wants user and assistant turns to alternate;
 *   <li>{@code max_tokens} is required;
 *   <li>there is no {@code response_format}: structured output is a forced tool call (see {@link AnswerTool});
 *   <li>there is no {@code seed}: it is ignored (Claude's sampling cannot be seeded), as is a message's {@code name}
 *       and an image part's {@code detail}.
 * </ul>
 */
final class RequestMapper {

  // https://docs.claude.com/en/docs/build-with-claude/vision: the image types Claude accepts.
  private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");
  private static final Pattern DATA_URL = Pattern.compile("data:([^;,]+);base64,(.*)", Pattern.DOTALL);

  private final ObjectMapper json;
  private final int defaultMaxTokens;

  RequestMapper(ObjectMapper json, int defaultMaxTokens) {
    this.json = json;
    this.defaultMaxTokens = defaultMaxTokens;
  }

  ObjectNode body(ChatRequest request, boolean stream) throws FailedCall {
    Parameters p = request.parameters();
    ObjectNode body = json.createObjectNode();
    body.put("model", request.model());
    // Anthropic requires max_tokens on every request; when the caller sets none we send the catalog's
    // defaultMaxTokens for this provider (4096 unless configured), not the model's maximum, so that a request
    // without a limit cannot run up an unbounded bill.
    body.put("max_tokens", p != null && p.getMaxTokens() != null ? p.getMaxTokens() : defaultMaxTokens);
    List<String> system = new ArrayList<>();
    body.set("messages", messages(request.messages(), system));
    if (system.size() == 1) {
      body.put("system", system.get(0));
    } else if (!system.isEmpty()) {
      ArrayNode blocks = body.putArray("system");
      system.forEach(text -> blocks.addObject().put("type", "text").put("text", text));
    }
    if (p != null) {
      parameters(body, p);
    }
    if (stream) {
      body.put("stream", true);
    }
    return body;
  }

  private ArrayNode messages(List<Message> messages, List<String> system) throws FailedCall {
    ArrayNode out = json.createArrayNode();
    String turnRole = null;
    List<ObjectNode> turn = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      String role = switch (m.getRole()) {
        case SYSTEM, DEVELOPER -> {
          system.add(systemText(m, i));
          yield null;
        }
        case USER, TOOL -> "user";
        case ASSISTANT -> "assistant";
        case UNKNOWN_ROLE -> throw unsendable("message " + i + " has role UNKNOWN_ROLE (written by a newer producer?), "
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
  private void flush(ArrayNode out, String role, List<ObjectNode> turn, int before) throws FailedCall {
    if (role == null) {
      return;
    }
    if (turn.isEmpty()) {
      throw unsendable("the " + role + " turn before message " + before + " has no content (no text, parts or tool calls)");
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
    StringBuilder text = new StringBuilder();
    for (ContentPart part : m.getParts()) {
      if (!"text".equals(part.getType())) {
        throw unsendable("message " + i + " (" + m.getRole() + ") has a '" + part.getType()
            + "' part; Anthropic's system prompt takes text only");
      }
      text.append(part.getText() == null ? "" : part.getText());
    }
    return text.toString();
  }

  private List<ObjectNode> blocks(Message m, int i) throws FailedCall {
    List<ObjectNode> content = new ArrayList<>();
    if (m.getRole() == io.promptyard.schemas.Role.TOOL) {
      if (m.getToolCallId() == null) {
        throw unsendable("message " + i + " is a tool result without the id of the tool call it answers (toolCallId)");
      }
      ObjectNode result = json.createObjectNode().put("type", "tool_result").put("tool_use_id", m.getToolCallId());
      List<ObjectNode> inner = contentBlocks(m, i);
      if (!inner.isEmpty()) {
        result.putArray("content").addAll(inner);
      }
      content.add(result);
      return content;
    }
    content.addAll(contentBlocks(m, i));
    for (ToolCall call : m.getToolCalls()) {
      ObjectNode use = json.createObjectNode().put("type", "tool_use").put("id", call.getId()).put("name", call.getName());
      String args = call.getArguments();
      // Claude's tool_use.input is an object, where chat completions carry the arguments as JSON text.
      use.set("input", args == null || args.isBlank() ? json.createObjectNode()
          : object(args, "the arguments of tool call " + call.getId() + " in message " + i));
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
        default -> throw unsendable("message " + i + " has content part type '" + part.getType()
            + "', which is not supported (text, image_url)");
      }
    }
    return blocks;
  }

  private ObjectNode text(String text) {
    return json.createObjectNode().put("type", "text").put("text", text);
  }

  /** A data: URL becomes a base64 source, an http(s) URL a url source: https://docs.claude.com/en/docs/build-with-claude/vision */
  private ObjectNode image(String url, int i) throws FailedCall {
    if (url == null || url.isBlank()) {
      throw unsendable("message " + i + " has an image_url part without imageUrl");
    }
    ObjectNode block = json.createObjectNode().put("type", "image");
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("data:")) {
      Matcher data = DATA_URL.matcher(url);
      if (!data.matches()) {
        throw unsendable("message " + i + " has an image data: URL that is not base64 (data:<type>;base64,<data>)");
      }
      String mediaType = data.group(1).toLowerCase(Locale.ROOT);
      if (!IMAGE_TYPES.contains(mediaType)) {
        throw unsendable("message " + i + " has an image of type " + mediaType + "; Claude accepts "
            + String.join(", ", IMAGE_TYPES.stream().sorted().toList()));
      }
      block.putObject("source").put("type", "base64").put("media_type", mediaType).put("data", data.group(2));
    } else if (lower.startsWith("https://") || lower.startsWith("http://")) {
      block.putObject("source").put("type", "url").put("url", url);
    } else {
      throw unsendable("message " + i + " has an image URL that is neither https:// nor data: (" + scheme(url) + ")");
    }
    return block;
  }

  private static String scheme(String url) {
    int colon = url.indexOf(':');
    return colon < 0 || colon > 20 ? "no scheme" : url.substring(0, colon + 1);
  }

  private void parameters(ObjectNode body, Parameters p) throws FailedCall {
    if (p.getTemperature() != null) {
      body.put("temperature", p.getTemperature());
    }
    if (p.getTopP() != null) {
      body.put("top_p", p.getTopP());
    }
    if (!p.getStop().isEmpty()) {
      ArrayNode stop = body.putArray("stop_sequences");
      p.getStop().forEach(stop::add);
    }
    // p.getSeed() is deliberately not sent: the Messages API has no seed parameter.
    ArrayNode tools = json.createArrayNode();
    for (ToolDefinition t : p.getTools()) {
      ObjectNode tool = tools.addObject().put("name", t.getName());
      if (t.getDescription() != null) {
        tool.put("description", t.getDescription());
      }
      // input_schema is required by Anthropic; a tool without parameters takes an empty object.
      tool.set("input_schema", t.getParametersJson() == null ? emptyObjectSchema()
          : object(t.getParametersJson(), "parametersJson of tool " + t.getName()));
    }
    AnswerTool answer = AnswerTool.of(p.getResponseFormat(), json);
    if (answer != null) {
      if (p.getTools().stream().anyMatch(t -> t.getName().equals(answer.name()))) {
        throw unsendable("a tool is named '" + answer.name() + "', the name the structured answer is requested under; "
            + "rename the tool or set response_format schemaName");
      }
      tools.add(answer.definition(json));
    }
    if (!tools.isEmpty()) {
      body.set("tools", tools);
    }
    ObjectNode choice = toolChoice(p, answer);
    if (choice != null) {
      body.set("tool_choice", choice);
    }
  }

  /**
   * Anthropic's tool_choice (https://docs.claude.com/en/docs/agents-and-tools/tool-use/implement-tool-use#forcing-tool-use):
   * auto, none, any (OpenAI's "required") or one named tool. With a structured answer requested, the model must
   * call a tool: the answer tool alone, or any tool when the caller also offers its own.
   */
  private ObjectNode toolChoice(Parameters p, AnswerTool answer) throws FailedCall {
    String choice = p.getToolChoice();
    boolean callerTools = !p.getTools().isEmpty();
    if (answer != null) {
      if (choice != null && !Set.of("auto", "none", "required").contains(choice)) {
        return named(choice, p);
      }
      if (!callerTools || "none".equals(choice)) {
        return named(answer.name(), null);
      }
      return json.createObjectNode().put("type", "any");
    }
    if (choice == null) {
      return null;
    }
    return switch (choice) {
      case "auto" -> callerTools ? json.createObjectNode().put("type", "auto") : null;
      case "none" -> callerTools ? json.createObjectNode().put("type", "none") : null;
      case "required" -> {
        if (!callerTools) {
          throw unsendable("tool_choice is 'required' but the request offers no tools");
        }
        yield json.createObjectNode().put("type", "any");
      }
      default -> named(choice, p);
    };
  }

  private ObjectNode named(String name, Parameters p) throws FailedCall {
    if (p != null && p.getTools().stream().noneMatch(t -> t.getName().equals(name))) {
      throw unsendable("tool_choice names '" + name + "', which is not among the request's tools");
    }
    return json.createObjectNode().put("type", "tool").put("name", name);
  }

  private ObjectNode emptyObjectSchema() {
    ObjectNode schema = json.createObjectNode().put("type", "object");
    schema.putObject("properties");
    return schema;
  }

  private JsonNode object(String text, String what) throws FailedCall {
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

  static FailedCall unsendable(String what) {
    return new FailedCall(new Failure.Unsendable(what));
  }
}

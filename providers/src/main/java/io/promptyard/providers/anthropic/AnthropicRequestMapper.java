package io.promptyard.providers.anthropic;

import static io.promptyard.providers.http.FailedCall.unsendable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.ToolDeclarations;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.ToolDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Writes a {@link ChatRequest} as a Messages API request body
 * (https://docs.claude.com/en/api/messages).
 *
 * <p>Where the Messages API differs from chat completions (for messages, see {@link
 * AnthropicConversationMapper}):
 *
 * <ul>
 *   <li>{@code max_tokens} is required;
 *   <li>there is no {@code response_format}: structured output is a forced tool call (see {@link
 *       AnthropicAnswerTool});
 *   <li>there is no {@code seed}: it is ignored, because Claude's sampling cannot be seeded.
 * </ul>
 */
final class AnthropicRequestMapper {

  private final ObjectMapper json;
  private final int defaultMaxTokens;
  private final AnthropicConversationMapper conversation;

  AnthropicRequestMapper(ObjectMapper json, int defaultMaxTokens) {
    this.json = json;
    this.defaultMaxTokens = defaultMaxTokens;
    this.conversation = new AnthropicConversationMapper(json);
  }

  ObjectNode body(ChatRequest request, boolean stream) throws FailedCall {
    Parameters p = request.parameters();
    ObjectNode body = json.createObjectNode();
    body.put("model", request.model());
    // Anthropic requires max_tokens on every request; when the caller sets none we send the
    // catalog's defaultMaxTokens for this provider (4096 unless configured), not the model's
    // maximum, so that a request without a limit cannot run up an unbounded bill.
    body.put(
        "max_tokens", p != null && p.getMaxTokens() != null ? p.getMaxTokens() : defaultMaxTokens);
    List<String> system = new ArrayList<>();
    body.set("messages", conversation.messages(request.messages(), system));
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
      // input_schema is required by Anthropic; a tool without parameters takes an empty object.
      ToolDeclarations.declare(json, tools.addObject(), t, "input_schema", emptyObjectSchema());
    }
    AnthropicAnswerTool answer = AnthropicAnswerTool.of(p.getResponseFormat(), json);
    if (answer != null) {
      if (p.getTools().stream().anyMatch(t -> t.getName().equals(answer.name()))) {
        throw unsendable(
            "a tool is named '"
                + answer.name()
                + "', the name the structured answer is requested under; "
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
   * Anthropic's tool_choice
   * (https://docs.claude.com/en/docs/agents-and-tools/tool-use/implement-tool-use#forcing-tool-use):
   * auto, none, any (OpenAI's "required") or one named tool. With a structured answer requested,
   * the model must call a tool: the answer tool alone, or any tool when the caller also offers its
   * own.
   */
  private ObjectNode toolChoice(Parameters p, AnthropicAnswerTool answer) throws FailedCall {
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
}

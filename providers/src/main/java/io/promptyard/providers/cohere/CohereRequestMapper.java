package io.promptyard.providers.cohere;

import static io.promptyard.providers.http.FailedCall.unsendable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.http.ChatCompletionsJson;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.JsonObjects;
import io.promptyard.providers.http.TextParts;
import io.promptyard.providers.http.ToolDeclarations;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.ResponseFormat;
import io.promptyard.schemas.ToolDefinition;
import java.util.List;

/**
 * Writes a {@link ChatRequest} as a Cohere Chat API v2 request body
 * (https://docs.cohere.com/reference/chat). What Cohere cannot express is refused here, before any
 * HTTP call, with the field named.
 */
final class CohereRequestMapper {

  // Cohere's documented ranges: temperature 0..1, p 0.01..0.99
  // (https://docs.cohere.com/reference/chat).
  private static final double MAX_TEMPERATURE = 1.0;
  private static final double MIN_P = 0.01;
  private static final double MAX_P = 0.99;

  private final ObjectMapper json;

  CohereRequestMapper(ObjectMapper json) {
    this.json = json;
  }

  ObjectNode body(ChatRequest request, boolean stream) throws FailedCall {
    ObjectNode body = ChatCompletionsJson.body(json, request, this::message);
    if (request.parameters() != null) {
      parameters(body, request.parameters());
    }
    body.put("stream", stream);
    return body;
  }

  private ObjectNode message(Message m) throws FailedCall {
    // Cohere messages have no "name" field; a participant name is dropped (it never changes
    // Cohere's answer).
    return switch (m.getRole()) {
      // Cohere has no "developer" role; OpenAI defines it as what "system" means for other models.
      case SYSTEM, DEVELOPER -> textOnly("system", m);
      case USER -> user(m);
      case ASSISTANT -> assistant(m);
      case TOOL -> tool(m);
      case UNKNOWN_ROLE ->
          throw unsendable(
              "message role UNKNOWN_ROLE (written by a newer producer?) has no Cohere role");
    };
  }

  private ObjectNode textOnly(String role, Message m) throws FailedCall {
    return withTextContent(json.createObjectNode().put("role", role), role, m);
  }

  /** {@code out} with the message's text, or its text parts, as its content. */
  private ObjectNode withTextContent(ObjectNode out, String role, Message m) throws FailedCall {
    if (m.getParts().isEmpty()) {
      out.put("content", m.getText() == null ? "" : m.getText());
      return out;
    }
    ArrayNode content = out.putArray("content");
    for (String text : textParts(m.getParts(), "a " + role)) {
      content.add(textBlock(text));
    }
    return out;
  }

  private ObjectNode user(Message m) throws FailedCall {
    ObjectNode out = json.createObjectNode().put("role", "user");
    if (m.getParts().isEmpty()) {
      out.put("content", m.getText() == null ? "" : m.getText());
      return out;
    }
    ArrayNode content = out.putArray("content");
    for (ContentPart p : m.getParts()) {
      // Images are accepted by Cohere's vision models only; others answer 400, which we classify.
      ChatCompletionsJson.putPart(content.addObject(), p);
    }
    return out;
  }

  /**
   * An assistant turn. When it calls tools, its text goes into {@code tool_plan}, where Cohere puts
   * the reflection it writes before calling tools (and where {@link CohereResponseMapper} reads it
   * from), so a conversation replays as Cohere produced it:
   * https://docs.cohere.com/v2/docs/tool-use-overview
   */
  private ObjectNode assistant(Message m) throws FailedCall {
    ObjectNode out = json.createObjectNode().put("role", "assistant");
    String text =
        m.getParts().isEmpty()
            ? m.getText()
            : String.join("", textParts(m.getParts(), "an assistant"));
    if (m.getToolCalls().isEmpty()) {
      out.put("content", text == null ? "" : text);
      return out;
    }
    if (text != null && !text.isEmpty()) {
      out.put("tool_plan", text);
    }
    ChatCompletionsJson.putToolCalls(out, m.getToolCalls());
    return out;
  }

  private ObjectNode tool(Message m) throws FailedCall {
    if (m.getToolCallId() == null) {
      throw unsendable("a tool message needs the id of the tool call it answers (toolCallId)");
    }
    return withTextContent(
        json.createObjectNode().put("role", "tool").put("tool_call_id", m.getToolCallId()),
        "tool",
        m);
  }

  private static List<String> textParts(List<ContentPart> parts, String aRole) throws FailedCall {
    return TextParts.of(
        parts, type -> aRole + " message can only carry text parts in Cohere, not '" + type + "'");
  }

  private ObjectNode textBlock(String text) {
    return json.createObjectNode().put("type", "text").put("text", text == null ? "" : text);
  }

  private void parameters(ObjectNode body, Parameters p) throws FailedCall {
    if (p.getTemperature() != null) {
      double t = p.getTemperature();
      if (t < 0 || t > MAX_TEMPERATURE) {
        throw unsendable(
            "temperature "
                + t
                + " is outside Cohere's range 0 to 1 (OpenAI's 0 to 2 does not carry over)");
      }
      body.put("temperature", t);
    }
    if (p.getTopP() != null) {
      double topP = p.getTopP();
      if (topP < 0 || topP > 1) {
        throw unsendable("top_p " + topP + " is not a probability between 0 and 1");
      }
      // Cohere's p must lie in 0.01..0.99; the common top_p 1.0 ("no cut-off") is sent as 0.99, the
      // nearest value Cohere accepts, and 0 as 0.01, rather than refusing requests that mean the
      // same.
      body.put("p", Math.max(MIN_P, Math.min(MAX_P, topP)));
    }
    if (p.getMaxTokens() != null) {
      body.put("max_tokens", p.getMaxTokens());
    }
    if (!p.getStop().isEmpty()) {
      ArrayNode stop = body.putArray("stop_sequences");
      p.getStop().forEach(stop::add);
    }
    if (p.getSeed() != null) {
      body.put("seed", p.getSeed());
    }
    tools(body, p);
    if (p.getResponseFormat() != null) {
      ObjectNode format = responseFormat(p.getResponseFormat());
      if (format != null) {
        body.set("response_format", format);
      }
    }
  }

  /**
   * Tools and tool choice. Cohere's {@code tool_choice} has only {@code REQUIRED} and {@code NONE}
   * (https://docs.cohere.com/reference/chat#request.body.tool_choice); "auto" is Cohere's default
   * and is left out, and a named function is sent as {@code REQUIRED} with only that tool offered,
   * which forces the same call.
   */
  private void tools(ObjectNode body, Parameters p) throws FailedCall {
    List<ToolDefinition> tools = p.getTools();
    String choice = p.getToolChoice();
    String cohereChoice = null;
    if (choice != null) {
      switch (choice) {
        case "auto" -> {}
        case "none" -> cohereChoice = "NONE";
        case "required" -> cohereChoice = "REQUIRED";
        default -> {
          List<ToolDefinition> named =
              tools.stream().filter(t -> t.getName().equals(choice)).toList();
          if (named.isEmpty()) {
            throw unsendable(
                "tool_choice names function '"
                    + choice
                    + "', which is not among the request's tools");
          }
          tools = named;
          cohereChoice = "REQUIRED";
        }
      }
    }
    if (!tools.isEmpty()) {
      ArrayNode out = body.putArray("tools");
      for (ToolDefinition t : tools) {
        // Cohere requires parameters; a tool without arguments takes an empty object.
        ToolDeclarations.declare(
            json,
            out.addObject().put("type", "function").putObject("function"),
            t,
            "parameters",
            json.createObjectNode()
                .put("type", "object")
                .set("properties", json.createObjectNode()));
      }
    }
    if (cohereChoice != null) {
      body.put("tool_choice", cohereChoice);
    }
  }

  /**
   * Cohere has one JSON type, {@code json_object}, with an optional {@code json_schema}
   * (https://docs.cohere.com/docs/structured-outputs); its schema mode always enforces the schema,
   * so {@code strict} needs no field, and the schema's name has none.
   */
  private ObjectNode responseFormat(ResponseFormat f) throws FailedCall {
    return switch (f.getType()) {
      case "text" -> null;
      case "json_object" -> json.createObjectNode().put("type", "json_object");
      case "json_schema" -> {
        if (f.getSchemaJson() == null) {
          throw unsendable("response_format json_schema needs schemaJson");
        }
        ObjectNode out = json.createObjectNode().put("type", "json_object");
        out.set(
            "json_schema",
            JsonObjects.inRequest(json, f.getSchemaJson(), "response_format schemaJson"));
        yield out;
      }
      default ->
          throw unsendable(
              "response_format type '"
                  + f.getType()
                  + "' is not supported (text, json_object, json_schema)");
    };
  }
}

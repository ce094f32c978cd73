package io.promptyard.providers.openai;

import static io.promptyard.providers.http.FailedCall.unsendable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.http.ChatCompletionsJson;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.JsonObjects;
import io.promptyard.providers.http.ToolDeclarations;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.ResponseFormat;
import io.promptyard.schemas.ToolDefinition;
import java.util.Set;

/**
 * Writes a {@link ChatRequest} as a chat-completions request body
 * (https://platform.openai.com/docs/api-reference/chat/create).
 */
final class OpenAiRequestMapper {

  private static final Set<String> TOOL_CHOICE_MODES = Set.of("auto", "none", "required");

  private final ObjectMapper json;
  private final OpenAiDialect dialect;

  OpenAiRequestMapper(ObjectMapper json, OpenAiDialect dialect) {
    this.json = json;
    this.dialect = dialect;
  }

  ObjectNode body(ChatRequest request, boolean stream) throws FailedCall {
    ObjectNode body = ChatCompletionsJson.body(json, request, this::message);
    if (request.parameters() != null) {
      parameters(body, request.parameters());
    }
    if (stream) {
      body.put("stream", true);
      if (dialect.streamUsage()) {
        // Without this OpenAI sends no usage at all when streaming; with it, one last chunk with
        // empty choices.
        body.putObject("stream_options").put("include_usage", true);
      }
    }
    return body;
  }

  private ObjectNode message(Message m) throws FailedCall {
    ObjectNode out = json.createObjectNode();
    out.put("role", role(m));
    if (!m.getParts().isEmpty()) {
      ArrayNode content = out.putArray("content");
      for (ContentPart p : m.getParts()) {
        ChatCompletionsJson.putPart(content.addObject(), p);
      }
    } else if (m.getText() != null) {
      out.put("content", m.getText());
    } else {
      // Assistant turns that only call tools carry null content; other roles need a string.
      if (m.getToolCalls().isEmpty()) {
        out.put("content", "");
      } else {
        out.putNull("content");
      }
    }
    if (m.getName() != null) {
      out.put("name", m.getName());
    }
    if (!m.getToolCalls().isEmpty()) {
      ChatCompletionsJson.putToolCalls(out, m.getToolCalls());
    }
    if (m.getToolCallId() != null) {
      out.put("tool_call_id", m.getToolCallId());
    }
    return out;
  }

  private String role(Message m) throws FailedCall {
    return switch (m.getRole()) {
      case SYSTEM -> "system";
      // OpenAI added "developer" for its reasoning models; most compatible servers reject the role,
      // and it means what "system" means there:
      // https://platform.openai.com/docs/guides/text#message-roles-and-instruction-following
      case DEVELOPER -> dialect.developerRole() ? "developer" : "system";
      case USER -> "user";
      case ASSISTANT -> "assistant";
      case TOOL -> {
        if (m.getToolCallId() == null) {
          throw unsendable("a tool message needs the id of the tool call it answers (toolCallId)");
        }
        yield "tool";
      }
      case UNKNOWN_ROLE ->
          throw unsendable(
              "message role UNKNOWN_ROLE (written by a newer producer?) has no chat-completions role");
    };
  }

  private void parameters(ObjectNode body, Parameters p) throws FailedCall {
    if (p.getTemperature() != null) {
      body.put("temperature", p.getTemperature());
    }
    if (p.getTopP() != null) {
      body.put("top_p", p.getTopP());
    }
    if (p.getMaxTokens() != null) {
      // OpenAI deprecated max_tokens, and its reasoning models reject it; many compatible servers
      // (older vLLM, Ollama, LiteLLM proxies) know only max_tokens:
      // https://platform.openai.com/docs/api-reference/chat/create#chat-create-max_completion_tokens
      body.put(dialect.maxTokensField(), p.getMaxTokens());
    }
    if (!p.getStop().isEmpty()) {
      ArrayNode stop = body.putArray("stop");
      p.getStop().forEach(stop::add);
    }
    if (p.getSeed() != null) {
      body.put("seed", p.getSeed());
    }
    if (!p.getTools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      for (ToolDefinition t : p.getTools()) {
        ObjectNode function = tools.addObject().put("type", "function").putObject("function");
        ToolDeclarations.declare(json, function, t, "parameters", null);
      }
    }
    if (p.getToolChoice() != null) {
      String choice = p.getToolChoice();
      if (TOOL_CHOICE_MODES.contains(choice)) {
        body.put("tool_choice", choice);
      } else {
        body.putObject("tool_choice")
            .put("type", "function")
            .putObject("function")
            .put("name", choice);
      }
    }
    if (p.getResponseFormat() != null) {
      body.set("response_format", responseFormat(p.getResponseFormat()));
    }
  }

  private ObjectNode responseFormat(ResponseFormat f) throws FailedCall {
    ObjectNode out = json.createObjectNode();
    switch (f.getType()) {
      case "text", "json_object" -> out.put("type", f.getType());
      case "json_schema" -> {
        if (f.getSchemaJson() == null) {
          throw unsendable("response_format json_schema needs schemaJson");
        }
        // name is required by OpenAI: https://platform.openai.com/docs/guides/structured-outputs
        ObjectNode schema =
            out.put("type", "json_schema")
                .putObject("json_schema")
                .put("name", f.getSchemaName() == null ? "response" : f.getSchemaName());
        schema.set(
            "schema", JsonObjects.inRequest(json, f.getSchemaJson(), "response_format schemaJson"));
        schema.put("strict", f.getStrict());
      }
      default ->
          throw unsendable(
              "response_format type '"
                  + f.getType()
                  + "' is not supported (text, json_object, json_schema)");
    }
    return out;
  }
}

package io.promptyard.testkit.provider;

import static io.promptyard.testkit.provider.ChatRequestParser.absent;

import com.fasterxml.jackson.databind.JsonNode;
import io.promptyard.testkit.provider.ChatRequest.Tool;
import io.promptyard.testkit.provider.ChatRequest.ToolChoice;
import java.util.ArrayList;
import java.util.List;

/** Reads the {@code tools} and {@code tool_choice} parameters of a chat-completions body. */
final class ToolsParser {

  List<Tool> tools(JsonNode node) throws ApiException {
    if (absent(node)) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new ApiException(ApiError.invalidType("tools", "an array"));
    }
    List<Tool> tools = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String path = "tools[" + i + "]";
      JsonNode tool = node.get(i);
      if (!tool.path("type").asText().equals("function")) {
        throw new ApiException(
            ApiError.invalidValue(path + ".type", "supported values are 'function'."));
      }
      JsonNode function = tool.get("function");
      if (absent(function) || !function.isObject()) {
        throw new ApiException(ApiError.missingParameter(path + ".function"));
      }
      JsonNode name = function.get("name");
      if (absent(name) || !name.isTextual() || name.asText().isBlank()) {
        throw new ApiException(ApiError.missingParameter(path + ".function.name"));
      }
      JsonNode parameters = function.get("parameters");
      tools.add(
          new Tool(
              name.asText(),
              function.path("description").asText(""),
              absent(parameters) ? null : parameters));
    }
    return List.copyOf(tools);
  }

  ToolChoice toolChoice(JsonNode node, List<Tool> tools) throws ApiException {
    if (absent(node)) {
      return tools.isEmpty() ? new ToolChoice.None() : new ToolChoice.Auto();
    }
    if (tools.isEmpty()) {
      throw new ApiException(
          ApiError.invalidValue(
              "tool_choice", "'tool_choice' is only allowed when 'tools' are specified."));
    }
    if (node.isTextual()) {
      return switch (node.asText()) {
        case "none" -> new ToolChoice.None();
        case "auto" -> new ToolChoice.Auto();
        case "required" -> new ToolChoice.Required();
        default ->
            throw new ApiException(
                ApiError.invalidValue(
                    "tool_choice",
                    "supported values are 'none', 'auto', 'required' or a named function."));
      };
    }
    String name = node.path("function").path("name").asText("");
    if (!node.path("type").asText().equals("function") || name.isBlank()) {
      throw new ApiException(
          ApiError.invalidValue(
              "tool_choice", "expected {\"type\": \"function\", \"function\": {\"name\": ...}}."));
    }
    if (tools.stream().noneMatch(tool -> tool.name().equals(name))) {
      throw new ApiException(
          ApiError.invalidValue(
              "tool_choice", "no function named '" + name + "' is among the 'tools'."));
    }
    return new ToolChoice.Named(name);
  }
}

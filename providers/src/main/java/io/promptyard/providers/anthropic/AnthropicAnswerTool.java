package io.promptyard.providers.anthropic;

import static io.promptyard.providers.http.FailedCall.unsendable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.schemas.ResponseFormat;

/**
 * JSON mode and JSON-Schema structured output on the Messages API, which has no {@code
 * response_format}: the request offers one extra tool whose {@code input_schema} is the wanted
 * schema and forces the model to call it; the call's {@code input} is the answer, handed back as
 * the response text with finish reason {@code stop}. This is the technique Anthropic documents for
 * JSON output
 * (https://docs.claude.com/en/docs/agents-and-tools/tool-use/implement-tool-use#json-mode).
 *
 * <p>Claude follows the schema closely but, unlike OpenAI's strict mode, does not guarantee it;
 * {@code strict} is therefore not enforced by the provider, and callers that need a guarantee
 * validate the output.
 *
 * @param name the tool's name: the schema's name, made a valid tool name, or {@code json_response}
 *     in JSON mode
 * @param schema the tool's input schema
 */
record AnthropicAnswerTool(String name, ObjectNode schema) {

  /** The answer tool a response format asks for, or null when the answer is plain text. */
  static AnthropicAnswerTool of(ResponseFormat format, ObjectMapper json) throws FailedCall {
    String name = nameFor(format);
    if (name == null) {
      return null;
    }
    if (format.getType().equals("json_object")) {
      // Any JSON object: what OpenAI's JSON mode promises.
      ObjectNode schema = json.createObjectNode().put("type", "object");
      schema.put("additionalProperties", true);
      return new AnthropicAnswerTool(name, schema);
    }
    if (format.getSchemaJson() == null) {
      throw unsendable("response_format json_schema needs schemaJson");
    }
    JsonNode schema;
    try {
      schema = json.readTree(format.getSchemaJson());
    } catch (JsonProcessingException e) {
      throw unsendable("response_format schemaJson is not valid JSON: " + e.getOriginalMessage());
    }
    if (schema == null || !schema.isObject()) {
      throw unsendable("response_format schemaJson must be a JSON object");
    }
    // A tool's input is always a JSON object, so only object schemas can be expressed this way.
    JsonNode type = schema.path("type");
    if (!type.isMissingNode() && !type.asText().equals("object")) {
      throw unsendable(
          "response_format schemaJson has type '"
              + type.asText()
              + "'; on Anthropic, structured output is a tool input and must be an object schema");
    }
    ObjectNode copy = ((ObjectNode) schema).deepCopy();
    if (type.isMissingNode()) {
      copy.put("type", "object");
    }
    return new AnthropicAnswerTool(name, copy);
  }

  /** The answer tool's name for a response format, or null when the answer is plain text. */
  static String nameFor(ResponseFormat format) throws FailedCall {
    if (format == null) {
      return null;
    }
    return switch (format.getType()) {
      case "text" -> null;
      case "json_object" -> "json_response";
      case "json_schema" -> toolName(format.getSchemaName());
      default ->
          throw unsendable(
              "response_format type '"
                  + format.getType()
                  + "' is not supported (text, json_object, json_schema)");
    };
  }

  /** Tool names must match {@code ^[a-zA-Z0-9_-]{1,64}$}. */
  private static String toolName(String schemaName) {
    if (schemaName == null || schemaName.isBlank()) {
      return "response";
    }
    String name = schemaName.replaceAll("[^a-zA-Z0-9_-]", "_");
    return name.length() > 64 ? name.substring(0, 64) : name;
  }

  ObjectNode definition(ObjectMapper json) {
    ObjectNode tool =
        json.createObjectNode()
            .put("name", name)
            .put(
                "description",
                "Give your final answer by calling this tool; its input is the answer, in the required JSON structure.");
    tool.set("input_schema", schema);
    return tool;
  }
}

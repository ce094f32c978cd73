package io.promptyard.providers.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.schemas.ToolDefinition;

/**
 * Writes a request's tool definitions as the function declarations every JSON API takes in the same
 * three parts: the name, the description when there is one, and the parameters' JSON Schema under
 * the API's own field name.
 */
public final class ToolDeclarations {

  private ToolDeclarations() {}

  /**
   * {@code out} with {@code tool}'s name, description and parameter schema under {@code
   * schemaField}; a tool without a schema gets {@code noSchema} there, or no field when it is null.
   *
   * @throws FailedCall (unsendable) when the tool's parametersJson is not a JSON object
   */
  public static ObjectNode declare(
      ObjectMapper json, ObjectNode out, ToolDefinition tool, String schemaField, JsonNode noSchema)
      throws FailedCall {
    out.put("name", tool.getName());
    if (tool.getDescription() != null) {
      out.put("description", tool.getDescription());
    }
    JsonNode schema =
        tool.getParametersJson() == null
            ? noSchema
            : JsonObjects.inRequest(
                json, tool.getParametersJson(), "parametersJson of tool " + tool.getName());
    if (schema != null) {
      out.set(schemaField, schema);
    }
    return out;
  }
}

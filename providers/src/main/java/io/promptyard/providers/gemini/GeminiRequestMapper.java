package io.promptyard.providers.gemini;

import static io.promptyard.providers.http.FailedCall.unsendable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.catalog.DataUrl;
import io.promptyard.providers.ChatRequest;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.JsonObjects;
import io.promptyard.providers.http.ToolDeclarations;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.ResponseFormat;
import io.promptyard.schemas.ToolCall;
import io.promptyard.schemas.ToolDefinition;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a {@link ChatRequest} as a {@code GenerateContentRequest}
 * (https://ai.google.dev/api/generate-content#request-body): system and developer messages become
 * {@code systemInstruction}, the rest {@code contents} with roles {@code user} and {@code model},
 * and the parameters {@code generationConfig}, {@code tools} and {@code toolConfig}.
 */
final class GeminiRequestMapper {

  /**
   * Gemini rejects more: https://ai.google.dev/api/generate-content#generationconfig
   * (stopSequences).
   */
  static final int MAX_STOP_SEQUENCES = 5;

  /**
   * Gemini 3 answers 400 when a model turn's first functionCall comes back without the
   * thoughtSignature it was sent with; Promptyard's ToolCall has no place for it, so we send the
   * value Google documents for history the model did not produce itself:
   * https://ai.google.dev/gemini-api/docs/thought-signatures
   */
  static final String FOREIGN_SIGNATURE = "skip_thought_signature_validator";

  private static final Map<String, String> IMAGE_TYPES =
      Map.of(
          "png",
          "image/png",
          "jpg",
          "image/jpeg",
          "jpeg",
          "image/jpeg",
          "webp",
          "image/webp",
          "gif",
          "image/gif",
          "heic",
          "image/heic",
          "heif",
          "image/heif");

  private final ObjectMapper json;

  GeminiRequestMapper(ObjectMapper json) {
    this.json = json;
  }

  ObjectNode body(ChatRequest request) throws FailedCall {
    ObjectNode body = json.createObjectNode();
    ArrayNode system = json.createArrayNode();
    ArrayNode contents = body.putArray("contents");
    Map<String, String> callNames = new HashMap<>();
    for (Message m : request.messages()) {
      switch (m.getRole()) {
        case SYSTEM, DEVELOPER -> system.addObject().put("text", text(m));
        case USER -> append(contents, "user", userParts(m));
        case ASSISTANT -> append(contents, "model", modelParts(m, callNames));
        case TOOL -> append(contents, "user", toolResponse(m, callNames));
        case UNKNOWN_ROLE ->
            throw unsendable(
                "message role UNKNOWN_ROLE (written by a newer producer?) has no Gemini role");
      }
    }
    if (contents.isEmpty()) {
      throw unsendable(
          "Gemini needs at least one user, assistant or tool message besides the system instructions");
    }
    if (!system.isEmpty()) {
      body.putObject("systemInstruction").set("parts", system);
    }
    if (request.parameters() != null) {
      parameters(body, request.parameters());
    }
    return body;
  }

  /**
   * Consecutive messages of one role (e.g. the answers to parallel tool calls) go into one Content.
   */
  private static void append(ArrayNode contents, String role, ArrayNode parts) {
    JsonNode last = contents.isEmpty() ? null : contents.get(contents.size() - 1);
    if (last != null && role.equals(last.path("role").asText())) {
      ((ArrayNode) last.path("parts")).addAll(parts);
    } else {
      contents.addObject().put("role", role).set("parts", parts);
    }
  }

  private static String text(Message m) {
    if (!m.getParts().isEmpty()) {
      StringBuilder b = new StringBuilder();
      for (ContentPart p : m.getParts()) {
        if (p.getText() != null) {
          b.append(b.isEmpty() ? "" : "\n").append(p.getText());
        }
      }
      return b.toString();
    }
    return m.getText() == null ? "" : m.getText();
  }

  private ArrayNode userParts(Message m) throws FailedCall {
    ArrayNode parts = json.createArrayNode();
    if (m.getParts().isEmpty()) {
      parts.addObject().put("text", m.getText() == null ? "" : m.getText());
      return parts;
    }
    for (ContentPart p : m.getParts()) {
      switch (p.getType()) {
        case "text" -> parts.addObject().put("text", p.getText() == null ? "" : p.getText());
        case "image_url" -> parts.add(image(p.getImageUrl()));
        default ->
            throw unsendable(
                "content part type '" + p.getType() + "' is not supported (text, image_url)");
      }
    }
    return parts;
  }

  /**
   * data: URLs go inline; https and gs URIs by reference
   * (https://ai.google.dev/api/caching#FileData).
   */
  private ObjectNode image(String url) throws FailedCall {
    if (url == null) {
      throw unsendable("an image_url content part needs imageUrl");
    }
    ObjectNode part = json.createObjectNode();
    Optional<DataUrl> data = DataUrl.base64(url);
    if (data.isPresent()) {
      part.putObject("inlineData")
          .put("mimeType", data.get().mediaType())
          .put("data", data.get().data());
      return part;
    }
    if (url.startsWith("data:")) {
      throw unsendable(
          "image_url data: URLs must be base64-encoded (data:<mime type>;base64,<data>)");
    }
    String lower = url.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("https://") && !lower.startsWith("gs://")) {
      throw unsendable(
          "image_url must be a data: URL or an https:// or gs:// URI; Gemini cannot fetch "
              + url.split("[/?]", 2)[0]
              + " URLs");
    }
    ObjectNode file = part.putObject("fileData");
    String path = lower.split("[?#]", 2)[0];
    String mime = IMAGE_TYPES.get(path.substring(path.lastIndexOf('.') + 1));
    if (mime != null) {
      file.put("mimeType", mime);
    }
    file.put("fileUri", url);
    return part;
  }

  private ArrayNode modelParts(Message m, Map<String, String> callNames) throws FailedCall {
    ArrayNode parts = json.createArrayNode();
    String text = text(m);
    if (!text.isEmpty() || m.getToolCalls().isEmpty()) {
      parts.addObject().put("text", text);
    }
    boolean first = true;
    for (ToolCall c : m.getToolCalls()) {
      callNames.put(c.getId(), c.getName());
      ObjectNode part = parts.addObject();
      part.putObject("functionCall")
          .put("name", c.getName())
          .set(
              "args",
              JsonObjects.inRequest(
                  json,
                  c.getArguments() == null || c.getArguments().isBlank() ? "{}" : c.getArguments(),
                  "arguments of tool call " + c.getId()));
      if (first) {
        part.put("thoughtSignature", FOREIGN_SIGNATURE);
        first = false;
      }
    }
    return parts;
  }

  /**
   * A functionResponse needs the function's name, which a chat-completions tool message does not
   * carry: it comes from the assistant turn that made the call with this id. The response must be
   * an object; anything else is wrapped as {@code {"output": …}} as
   * https://ai.google.dev/api/caching#FunctionResponse suggests.
   */
  private ArrayNode toolResponse(Message m, Map<String, String> callNames) throws FailedCall {
    if (m.getToolCallId() == null) {
      throw unsendable("a tool message needs the id of the tool call it answers (toolCallId)");
    }
    String name = callNames.getOrDefault(m.getToolCallId(), m.getName());
    if (name == null) {
      throw unsendable(
          "tool message answers call "
              + m.getToolCallId()
              + ", but no earlier assistant message made that call, and Gemini needs the function's name");
    }
    String text = text(m);
    JsonNode response;
    try {
      JsonNode parsed = json.readTree(text);
      response =
          parsed != null && parsed.isObject()
              ? parsed
              : json.createObjectNode().put("output", text);
    } catch (JsonProcessingException notJson) {
      response = json.createObjectNode().put("output", text);
    }
    ArrayNode parts = json.createArrayNode();
    parts.addObject().putObject("functionResponse").put("name", name).set("response", response);
    return parts;
  }

  private void parameters(ObjectNode body, Parameters p) throws FailedCall {
    ObjectNode config = json.createObjectNode();
    if (p.getTemperature() != null) {
      config.put("temperature", p.getTemperature());
    }
    if (p.getTopP() != null) {
      config.put("topP", p.getTopP());
    }
    if (p.getMaxTokens() != null) {
      config.put("maxOutputTokens", p.getMaxTokens());
    }
    if (!p.getStop().isEmpty()) {
      if (p.getStop().size() > MAX_STOP_SEQUENCES) {
        throw unsendable(
            "stop has "
                + p.getStop().size()
                + " sequences; Gemini accepts at most "
                + MAX_STOP_SEQUENCES);
      }
      ArrayNode stop = config.putArray("stopSequences");
      p.getStop().forEach(stop::add);
    }
    if (p.getSeed() != null) {
      if (p.getSeed() > Integer.MAX_VALUE || p.getSeed() < Integer.MIN_VALUE) {
        throw unsendable("seed " + p.getSeed() + " does not fit Gemini's 32-bit seed");
      }
      config.put("seed", p.getSeed().intValue());
    }
    if (p.getResponseFormat() != null) {
      responseFormat(config, p.getResponseFormat());
    }
    if (!config.isEmpty()) {
      body.set("generationConfig", config);
    }
    if (!p.getTools().isEmpty()) {
      ArrayNode declarations = body.putArray("tools").addObject().putArray("functionDeclarations");
      for (ToolDefinition t : p.getTools()) {
        // parametersJsonSchema takes JSON Schema as chat-completions tools carry it; "parameters"
        // takes only an OpenAPI subset and rejects e.g. additionalProperties:
        // https://ai.google.dev/api/caching#FunctionDeclaration
        ToolDeclarations.declare(json, declarations.addObject(), t, "parametersJsonSchema", null);
      }
      if (p.getToolChoice() != null) {
        body.putObject("toolConfig").set("functionCallingConfig", toolChoice(p));
      }
    } else if (p.getToolChoice() != null
        && !p.getToolChoice().equals("none")
        && !p.getToolChoice().equals("auto")) {
      throw unsendable(
          "tool_choice '" + p.getToolChoice() + "' needs tools, and the request has none");
    }
  }

  /** https://ai.google.dev/api/caching#FunctionCallingConfig */
  private ObjectNode toolChoice(Parameters p) throws FailedCall {
    ObjectNode config = json.createObjectNode();
    String choice = p.getToolChoice();
    switch (choice) {
      case "auto" -> config.put("mode", "AUTO");
      case "none" -> config.put("mode", "NONE");
      case "required" -> config.put("mode", "ANY");
      default -> {
        if (p.getTools().stream().noneMatch(t -> t.getName().equals(choice))) {
          throw unsendable(
              "tool_choice names function '"
                  + choice
                  + "', which is not among the request's tools");
        }
        config.put("mode", "ANY").putArray("allowedFunctionNames").add(choice);
      }
    }
    return config;
  }

  /**
   * JSON mode is {@code responseMimeType: application/json}; a schema goes in {@code
   * responseJsonSchema}, which takes JSON Schema as the request carries it (the older {@code
   * responseSchema} takes only an OpenAPI subset):
   * https://ai.google.dev/gemini-api/docs/structured-output. Gemini always holds the answer to the
   * schema, so {@code strict} changes nothing; {@code schemaName} has no Gemini field and is not
   * sent.
   */
  private void responseFormat(ObjectNode config, ResponseFormat f) throws FailedCall {
    switch (f.getType()) {
      case "text" -> {}
      case "json_object" -> config.put("responseMimeType", "application/json");
      case "json_schema" -> {
        if (f.getSchemaJson() == null) {
          throw unsendable("response_format json_schema needs schemaJson");
        }
        config.put("responseMimeType", "application/json");
        config.set(
            "responseJsonSchema",
            JsonObjects.inRequest(json, f.getSchemaJson(), "response_format schemaJson"));
      }
      default ->
          throw unsendable(
              "response_format type '"
                  + f.getType()
                  + "' is not supported (text, json_object, json_schema)");
    }
  }
}

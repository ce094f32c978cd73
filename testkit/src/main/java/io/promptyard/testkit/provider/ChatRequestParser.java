package io.promptyard.testkit.provider;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.promptyard.schemas.serde.JsonMappers;
import io.promptyard.testkit.provider.ChatRequest.Message;
import io.promptyard.testkit.provider.ChatRequest.ResponseFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a chat-completions body into a {@link ChatRequest}, rejecting what OpenAI would reject with
 * a 400.
 */
final class ChatRequestParser {

  private static final Set<String> ROLES =
      Set.of("system", "developer", "user", "assistant", "tool", "function");

  /**
   * The fields that shape the answer; max_tokens only truncates, so it stays out (see
   * ChatRequest#answerSeed).
   */
  private static final List<String> ANSWER_FIELDS =
      List.of("model", "messages", "seed", "response_format", "tools", "tool_choice");

  private final ObjectMapper mapper;
  private final ObjectMapper canonical =
      JsonMappers.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
  private final ToolsParser tools = new ToolsParser();

  ChatRequestParser(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  ChatRequest parse(byte[] body) throws ApiException {
    JsonNode root;
    try {
      root = mapper.readTree(body);
    } catch (IOException e) {
      throw new ApiException(ApiError.unparsableJson());
    }
    if (root == null || !root.isObject()) {
      throw new ApiException(ApiError.unparsableJson());
    }
    String model = model(root.get("model"));
    List<Message> messages = messages(root.get("messages"));
    OptionalInt maxTokens = maxTokens(root);
    optionalInteger(root, "seed");
    ResponseFormat format = responseFormat(root.get("response_format"));
    List<ChatRequest.Tool> toolList = tools.tools(root.get("tools"));
    ChatRequest.ToolChoice choice = tools.toolChoice(root.get("tool_choice"), toolList);
    boolean stream = optionalBoolean(root, "stream");
    boolean includeUsage = includeUsage(root.get("stream_options"), stream);
    return new ChatRequest(
        model,
        messages,
        maxTokens,
        format,
        toolList,
        choice,
        stream,
        includeUsage,
        answerSeed(root));
  }

  private static String model(JsonNode node) throws ApiException {
    if (absent(node)) {
      throw new ApiException(
          ApiError.invalidRequest("you must provide a model parameter", "model", null));
    }
    if (!node.isTextual() || node.asText().isBlank()) {
      throw new ApiException(ApiError.invalidType("model", "a non-empty string"));
    }
    return node.asText();
  }

  private static List<Message> messages(JsonNode node) throws ApiException {
    if (absent(node)) {
      throw new ApiException(ApiError.missingParameter("messages"));
    }
    if (!node.isArray()) {
      throw new ApiException(ApiError.invalidType("messages", "an array"));
    }
    if (node.isEmpty()) {
      throw new ApiException(
          ApiError.invalidRequest(
              "Invalid 'messages': empty array. Expected an array with minimum length 1.",
              "messages",
              "empty_array"));
    }
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      messages.add(message(node.get(i), "messages[" + i + "]"));
    }
    return List.copyOf(messages);
  }

  private static Message message(JsonNode node, String path) throws ApiException {
    if (!node.isObject()) {
      throw new ApiException(ApiError.invalidType(path, "an object"));
    }
    JsonNode role = node.get("role");
    if (absent(role)) {
      throw new ApiException(ApiError.missingParameter(path + ".role"));
    }
    if (!role.isTextual() || !ROLES.contains(role.asText())) {
      throw new ApiException(
          ApiError.invalidValue(path + ".role", "supported values are " + ROLES + "."));
    }
    JsonNode name = node.get("name");
    if (!absent(name) && !name.isTextual()) {
      throw new ApiException(ApiError.invalidType(path + ".name", "a string"));
    }
    StringBuilder text = new StringBuilder(content(node.get("content"), role.asText(), node, path));
    for (JsonNode call : node.path("tool_calls")) {
      text.append(' ').append(call.path("function").path("name").asText(""));
      text.append(' ').append(call.path("function").path("arguments").asText(""));
    }
    return new Message(role.asText(), absent(name) ? null : name.asText(), text.toString().strip());
  }

  private static String content(JsonNode content, String role, JsonNode message, String path)
      throws ApiException {
    if (absent(content)) {
      if (role.equals("assistant") && (message.has("tool_calls") || message.has("function_call"))) {
        return "";
      }
      throw new ApiException(ApiError.missingParameter(path + ".content"));
    }
    if (content.isTextual()) {
      return content.asText();
    }
    if (!content.isArray()) {
      throw new ApiException(
          ApiError.invalidType(path + ".content", "a string or an array of content parts"));
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode part : content) {
      // Only text parts are billed; images and audio have no honest token count here.
      if (part.path("type").asText().equals("text")) {
        text.append(text.isEmpty() ? "" : "\n").append(part.path("text").asText(""));
      }
    }
    return text.toString();
  }

  private static OptionalInt maxTokens(JsonNode root) throws ApiException {
    OptionalInt completion = optionalInteger(root, "max_completion_tokens");
    OptionalInt legacy = optionalInteger(root, "max_tokens");
    OptionalInt limit = completion.isPresent() ? completion : legacy;
    if (limit.isPresent() && limit.getAsInt() < 1) {
      String param = completion.isPresent() ? "max_completion_tokens" : "max_tokens";
      throw new ApiException(
          ApiError.invalidRequest(
              "Invalid '"
                  + param
                  + "': integer below minimum value. Expected a value >= 1, but got "
                  + limit.getAsInt()
                  + " instead.",
              param,
              "integer_below_min_value"));
    }
    return limit;
  }

  private static ResponseFormat responseFormat(JsonNode node) throws ApiException {
    if (absent(node)) {
      return new ResponseFormat.Text();
    }
    if (!node.isObject()) {
      throw new ApiException(ApiError.invalidType("response_format", "an object"));
    }
    return switch (node.path("type").asText()) {
      case "text" -> new ResponseFormat.Text();
      case "json_object" -> new ResponseFormat.JsonObject();
      case "json_schema" -> {
        JsonNode jsonSchema = node.get("json_schema");
        if (absent(jsonSchema) || !jsonSchema.isObject()) {
          throw new ApiException(ApiError.missingParameter("response_format.json_schema"));
        }
        yield new ResponseFormat.JsonSchema(jsonSchema.path("schema"));
      }
      default ->
          throw new ApiException(
              ApiError.invalidValue(
                  "response_format.type",
                  "supported values are 'text', 'json_object' and 'json_schema'."));
    };
  }

  private static boolean includeUsage(JsonNode options, boolean stream) throws ApiException {
    if (absent(options)) {
      return false;
    }
    if (!stream) {
      throw new ApiException(
          ApiError.invalidRequest(
              "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
              "stream_options",
              null));
    }
    JsonNode include = options.get("include_usage");
    if (!absent(include) && !include.isBoolean()) {
      throw new ApiException(ApiError.invalidType("stream_options.include_usage", "a boolean"));
    }
    return !absent(include) && include.asBoolean();
  }

  private static OptionalInt optionalInteger(JsonNode root, String field) throws ApiException {
    JsonNode node = root.get(field);
    if (absent(node)) {
      return OptionalInt.empty();
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw new ApiException(ApiError.invalidType(field, "an integer"));
    }
    return OptionalInt.of(node.intValue());
  }

  private static boolean optionalBoolean(JsonNode root, String field) throws ApiException {
    JsonNode node = root.get(field);
    if (absent(node)) {
      return false;
    }
    if (!node.isBoolean()) {
      throw new ApiException(ApiError.invalidType(field, "a boolean"));
    }
    return node.asBoolean();
  }

  static boolean absent(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode();
  }

  /**
   * Hashes the answer-shaping fields with keys sorted, so key order in the body does not change the
   * answer.
   */
  private long answerSeed(JsonNode root) {
    Map<String, Object> fields = new TreeMap<>();
    for (String field : ANSWER_FIELDS) {
      if (!absent(root.get(field))) {
        fields.put(field, canonical.convertValue(root.get(field), Object.class));
      }
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(canonical.writeValueAsBytes(fields));
      return ByteBuffer.wrap(digest).getLong();
    } catch (NoSuchAlgorithmException | JacksonException e) {
      throw new IllegalStateException(
          "Could not hash a parsed request; SHA-256 and Jackson are always there", e);
    }
  }
}

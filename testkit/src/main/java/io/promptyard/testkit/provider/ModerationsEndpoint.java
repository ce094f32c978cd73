package io.promptyard.testkit.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Serves {@code POST /v1/moderations} in OpenAI's shape
 * (https://platform.openai.com/docs/api-reference/moderations/create): {@code {"model", "input"}},
 * the input a string or an array of strings, answered by {@code {"id", "model", "results": [...]}}
 * with one result per input. An input that contains the configured marker is flagged in category
 * {@code violence}; every other input is not flagged.
 */
final class ModerationsEndpoint {

  /** OpenAI's text categories, each in every result as OpenAI's results have them. */
  private static final List<String> CATEGORIES =
      List.of(
          "harassment",
          "harassment/threatening",
          "hate",
          "hate/threatening",
          "illicit",
          "illicit/violent",
          "self-harm",
          "self-harm/instructions",
          "self-harm/intent",
          "sexual",
          "sexual/minors",
          "violence",
          "violence/graphic");

  private static final String FLAGGED_CATEGORY = "violence";
  private static final String DEFAULT_MODEL = "omni-moderation-latest";

  private final ObjectMapper mapper;
  private final String marker;

  ModerationsEndpoint(ObjectMapper mapper, String marker) {
    this.mapper = mapper;
    this.marker = marker;
  }

  void handle(HttpExchange exchange, Reply reply, String requestId)
      throws ApiException, IOException {
    JsonNode body;
    try {
      body = mapper.readTree(ChatCompletionsEndpoint.body(exchange));
    } catch (IOException e) {
      throw new ApiException(ApiError.unparsableJson());
    }
    if (body == null || !body.isObject()) {
      throw new ApiException(ApiError.unparsableJson());
    }
    List<String> inputs = inputs(body.get("input"));
    JsonNode model = body.get("model");
    if (model != null && !model.isTextual()) {
      throw new ApiException(ApiError.invalidType("model", "a string"));
    }
    ObjectNode answer =
        mapper
            .createObjectNode()
            .put("id", "modr-" + requestId)
            .put("model", model == null ? DEFAULT_MODEL : model.asText());
    ArrayNode results = answer.putArray("results");
    for (String input : inputs) {
      boolean flagged = input.contains(marker);
      ObjectNode result = results.addObject().put("flagged", flagged);
      ObjectNode categories = result.putObject("categories");
      ObjectNode scores = result.putObject("category_scores");
      for (String c : CATEGORIES) {
        boolean hit = flagged && c.equals(FLAGGED_CATEGORY);
        categories.put(c, hit);
        scores.put(c, hit ? 0.97 : 0.0001);
      }
    }
    reply.json(200, answer);
  }

  private static List<String> inputs(JsonNode input) throws ApiException {
    if (input == null || input.isNull()) {
      throw new ApiException(ApiError.missingParameter("input"));
    }
    if (input.isTextual()) {
      return List.of(input.asText());
    }
    if (input.isArray()) {
      List<String> texts = new ArrayList<>();
      for (JsonNode item : input) {
        if (!item.isTextual()) {
          throw new ApiException(ApiError.invalidType("input", "a string or an array of strings"));
        }
        texts.add(item.asText());
      }
      return texts;
    }
    throw new ApiException(ApiError.invalidType("input", "a string or an array of strings"));
  }
}

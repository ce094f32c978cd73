package io.promptyard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.providers.ModerationProvider;
import io.promptyard.providers.ModerationVerdict;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimits;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.HttpChatCall;
import io.promptyard.providers.http.JsonObjects;
import io.promptyard.providers.http.JsonPost;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OpenAI's moderation endpoint, or a server that copies it: {@code POST {baseUrl}/moderations} with
 * {@code {"model", "input"}}, answered by {@code {"id", "model", "results": [{"flagged",
 * "categories": {name: bool}, "category_scores": {name: score}}]}}
 * (https://platform.openai.com/docs/api-reference/moderations/create). The key goes as {@code
 * Authorization: Bearer}, and a failure is classified as a chat call's to OpenAI is.
 */
public final class OpenAiModeration implements ModerationProvider {

  /** The name failures and key pools carry. */
  public static final String NAME = "moderation";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_RESPONSE_BYTES = 1 << 20;

  private final URI uri;
  private final String model;
  private final ApiKeyPool keys;
  private final JsonPost post = new JsonPost(JsonPost.bearer(), Map.of());
  private final HttpChatCall http;

  /**
   * @param baseUrl the API's base, e.g. {@code https://api.openai.com/v1}
   * @param model the moderation model, e.g. {@code omni-moderation-latest}
   * @param keys the keys to send; empty for a server that needs none
   */
  public OpenAiModeration(String baseUrl, String model, ApiKeyPool keys, HttpTimeouts timeouts) {
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.uri = URI.create(base + "/moderations");
    this.model = model;
    this.keys = keys;
    this.http = new HttpChatCall(timeouts, MAX_RESPONSE_BYTES);
  }

  @Override
  public ModerationVerdict moderate(String requestId, String text) throws ProviderException {
    ObjectNode body = JSON.createObjectNode().put("model", model).put("input", text);
    Optional<String> key = keys.next(null);
    try {
      String answer = http.send(post.request(uri, JsonPost.body(JSON, body), false, key));
      return verdict(answer);
    } catch (FailedCall f) {
      throw OpenAiErrorClassifier.INSTANCE.classify(f.failure(), NAME, requestId, keys);
    }
  }

  /** Reads the one result of an answer to a single input. */
  static ModerationVerdict verdict(String answer) throws FailedCall {
    JsonNode root = JsonObjects.inAnswer(JSON, answer, "the body", RateLimits.UNKNOWN);
    JsonNode result =
        JsonObjects.part(root.path("results").path(0), "results[0]", null, RateLimits.UNKNOWN);
    return JsonObjects.fields(
        RateLimits.UNKNOWN,
        () -> {
          JsonNode flagged = result.path("flagged");
          if (!flagged.isBoolean()) {
            throw new IllegalArgumentException("results[0].flagged is not a boolean");
          }
          List<String> categories = new ArrayList<>();
          for (Map.Entry<String, JsonNode> c : result.path("categories").properties()) {
            if (c.getValue().asBoolean(false)) {
              categories.add(c.getKey());
            }
          }
          double score = 0;
          for (Map.Entry<String, JsonNode> c : result.path("category_scores").properties()) {
            score = Math.max(score, c.getValue().asDouble(0));
          }
          return new ModerationVerdict(
              flagged.booleanValue(), categories, Math.min(1.0, Math.max(0.0, score)));
        });
  }

  @Override
  public void close() {
    http.close();
  }
}

package io.promptyard.cli.cache;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.catalog.Usage;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ingress.InvalidRequestException;
import io.promptyard.schemas.ingress.JsonIngress;
import io.promptyard.schemas.serde.UndecodableRecordException;
import io.promptyard.worker.cache.CacheWarmer;
import java.io.IOException;

/**
 * One line of a {@code promptyard cache warm} file: a request and its known answer, {@code
 * {"request": {...}, "answer": {"content": "...", "model": "provider/model", "usage": {...}}}}. The
 * request is a JSON ingress body (an OpenAI chat-completions body with {@code metadata.team}), or
 * an OpenAI Batch input line ({@code custom_id}, {@code body}, {@code team}, {@code metadata}) as
 * {@code promptyard submit} reads them.
 *
 * @param provider the provider that answered
 * @param model the model that answered, without its provider
 */
record WarmLine(
    CompletionRequest request, String provider, String model, CacheWarmer.Answer answer) {

  private static final ObjectReader LINE =
      new ObjectMapper()
          .readerFor(JsonNode.class)
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** A line's problem, said in its words. */
  static final class BadLine extends Exception {
    BadLine(String message) {
      super(message);
    }
  }

  /**
   * Reads one line.
   *
   * @param requestId the request id when the request names none
   * @throws BadLine saying what is wrong with it
   */
  static WarmLine parse(String text, String requestId) throws BadLine {
    JsonNode node;
    try {
      node = LINE.readValue(text);
    } catch (IOException e) {
      throw new BadLine("not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
    if (!node.isObject()) {
      throw new BadLine("expected a JSON object with request and answer");
    }
    if (!node.path("request").isObject()) {
      throw new BadLine(
          "request must be an object: a chat-completions body with metadata.team, or a batch line");
    }
    CompletionRequest request = request((ObjectNode) node.path("request"), requestId);
    JsonNode answer = node.path("answer");
    if (!answer.isObject()) {
      throw new BadLine("answer must be an object with content and model");
    }
    if (!answer.path("content").isTextual()) {
      throw new BadLine("answer.content must be a string: the answer's text");
    }
    String qualified =
        answer.path("model").isTextual() ? answer.path("model").asText() : request.getModel();
    int slash = qualified.indexOf('/');
    if (slash <= 0 || slash == qualified.length() - 1) {
      throw new BadLine(
          "answer.model must name the provider/model that answered (the request's model '"
              + qualified
              + "' is an alias or lacks its provider)");
    }
    JsonNode finish = answer.path("finish_reason");
    return new WarmLine(
        request,
        qualified.substring(0, slash),
        qualified.substring(slash + 1),
        CacheWarmer.Answer.text(
            answer.path("content").asText(),
            finish.isTextual() ? finish.asText() : "stop",
            usage(answer.path("usage"))));
  }

  private static CompletionRequest request(ObjectNode given, String requestId) throws BadLine {
    ObjectNode body;
    if (given.path("body").isObject()) {
      // a batch input line, as promptyard submit reads it
      body = ((ObjectNode) given.path("body")).deepCopy();
      ObjectNode metadata =
          body.path("metadata").isObject()
              ? (ObjectNode) body.path("metadata")
              : body.putObject("metadata");
      given.path("metadata").properties().forEach(e -> metadata.set(e.getKey(), e.getValue()));
      if (given.path("team").isTextual()) {
        metadata.put("team", given.path("team").asText());
      }
      if (given.path("custom_id").isTextual()) {
        metadata.put("custom_id", given.path("custom_id").asText());
      }
    } else {
      body = given.deepCopy();
    }
    CompletionRequest request;
    try {
      request = JsonIngress.parse(body, requestId);
    } catch (InvalidRequestException | UndecodableRecordException e) {
      throw new BadLine("request: " + e.getMessage());
    }
    if (request.getTeam().isBlank()) {
      throw new BadLine("request: metadata.team is required (the cache is the team's)");
    }
    if (request.getMessages().isEmpty()) {
      throw new BadLine("request: messages is required");
    }
    return request;
  }

  /** OpenAI's usage object, or none: no tokens (the entry then saves no money when it is hit). */
  private static Usage usage(JsonNode usage) throws BadLine {
    if (usage.isMissingNode() || usage.isNull()) {
      return new Usage(0, 0, 0, 0);
    }
    if (!usage.isObject()) {
      throw new BadLine("answer.usage must be an object with prompt_tokens and completion_tokens");
    }
    return new Usage(
        tokens(usage.path("prompt_tokens"), "prompt_tokens"),
        tokens(usage.path("completion_tokens"), "completion_tokens"),
        tokens(usage.path("prompt_tokens_details").path("cached_tokens"), "cached_tokens"),
        tokens(
            usage.path("completion_tokens_details").path("reasoning_tokens"), "reasoning_tokens"));
  }

  private static long tokens(JsonNode n, String name) throws BadLine {
    if (n.isMissingNode() || n.isNull()) {
      return 0;
    }
    if (!n.canConvertToExactIntegral() || !n.isNumber() || n.asLong() < 0) {
      throw new BadLine("answer.usage." + name + " must be a whole number of tokens, was " + n);
    }
    return n.asLong();
  }
}

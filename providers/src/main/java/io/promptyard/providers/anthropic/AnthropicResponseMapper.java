package io.promptyard.providers.anthropic;

import static io.promptyard.providers.http.FailedCall.malformed;
import static io.promptyard.providers.http.JsonObjects.textOr;
import static io.promptyard.providers.http.JsonObjects.textOrNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.RateLimits;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.JsonObjects;
import io.promptyard.schemas.ToolCall;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads a Message object (https://docs.claude.com/en/api/messages) into a {@link ChatResponse}. */
final class AnthropicResponseMapper {

  private final ObjectMapper json;

  AnthropicResponseMapper(ObjectMapper json) {
    this.json = json;
  }

  /**
   * @param answerTool the name of the tool that carries a structured answer, or null when none was
   *     requested
   */
  ChatResponse response(
      String body, String requestedModel, String answerTool, RateLimits rateLimits)
      throws FailedCall {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (IOException e) {
      throw malformed("the body is not JSON (" + e.getClass().getSimpleName() + ")", e, rateLimits);
    }
    if (root == null || !root.isObject() || !root.path("content").isArray()) {
      throw malformed("the body is not a message object with a content array", null, rateLimits);
    }
    return JsonObjects.fields(
        rateLimits,
        () -> {
          StringBuilder text = new StringBuilder();
          boolean sawText = false;
          boolean answered = false;
          List<ToolCall> calls = new ArrayList<>();
          for (JsonNode block : root.path("content")) {
            switch (block.path("type").asText()) {
              case "text" -> {
                sawText = true;
                text.append(block.path("text").asText(""));
              }
              case "tool_use" -> {
                String name = block.path("name").asText();
                String input =
                    json.writeValueAsString(
                        block.path("input").isObject()
                            ? block.path("input")
                            : json.createObjectNode());
                if (name.equals(answerTool)) {
                  sawText = true;
                  answered = true;
                  text.append(input);
                } else {
                  calls.add(
                      ToolCall.newBuilder()
                          .setId(block.path("id").asText())
                          .setName(name)
                          .setArguments(input)
                          .build());
                }
              }
              default -> {
                // thinking, redacted_thinking and server-tool blocks carry nothing Promptyard's
                // answer
                // has a place for
              }
            }
          }
          String finish = finishReason(textOrNull(root.path("stop_reason")));
          if (answered && finish.equals("tool_calls") && calls.isEmpty()) {
            finish = "stop";
          }
          String answer = sawText || calls.isEmpty() ? text.toString() : null;
          return new ChatResponse(
              answer,
              calls,
              finish,
              usage(root.path("usage")),
              textOr(root.path("model"), requestedModel),
              rateLimits);
        });
  }

  /**
   * Anthropic's stop reasons in OpenAI's words
   * (https://docs.claude.com/en/api/handling-stop-reasons): a refusal is content_filter; a turn cut
   * short by max_tokens, by the context window or paused by a server tool (which Promptyard never
   * offers) is length.
   */
  static String finishReason(String stopReason) {
    if (stopReason == null) {
      return "stop";
    }
    return switch (stopReason) {
      case "end_turn", "stop_sequence" -> "stop";
      case "max_tokens", "model_context_window_exceeded", "pause_turn" -> "length";
      case "tool_use" -> "tool_calls";
      case "refusal" -> "content_filter";
      default -> "stop";
    };
  }

  /**
   * Anthropic reports input tokens apart from the tokens read from and written to the prompt cache
   * (https://docs.claude.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance);
   * Promptyard's input count includes both. Thinking tokens are part of output_tokens and not
   * reported apart.
   */
  static Usage usage(JsonNode usage) {
    if (!usage.isObject()) {
      return Usage.ZERO;
    }
    long cacheRead = usage.path("cache_read_input_tokens").asLong(0);
    long cacheWrite = usage.path("cache_creation_input_tokens").asLong(0);
    return new Usage(
        usage.path("input_tokens").asLong(0) + cacheRead + cacheWrite,
        usage.path("output_tokens").asLong(0),
        cacheRead,
        0);
  }
}

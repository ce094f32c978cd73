package io.promptyard.providers.openai;

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
import java.util.List;

/**
 * Reads a chat completion object (https://platform.openai.com/docs/api-reference/chat/object) into
 * a {@link ChatResponse}.
 */
final class OpenAiResponseMapper {

  private final ObjectMapper json;

  OpenAiResponseMapper(ObjectMapper json) {
    this.json = json;
  }

  ChatResponse response(String body, String requestedModel, RateLimits rateLimits)
      throws FailedCall {
    JsonNode root = JsonObjects.inAnswer(json, body, "the body", rateLimits);
    JsonNode choice = root.path("choices").path(0);
    String error = root.path("error").path("message").asText("");
    JsonNode message =
        JsonObjects.part(
            choice.path("message"),
            "choices[0].message",
            error.isEmpty() ? null : error,
            rateLimits);
    return JsonObjects.fields(
        rateLimits,
        () -> {
          String text = textOrNull(message.path("content"));
          String finishReason = finishReason(textOrNull(choice.path("finish_reason")));
          String refusal = textOrNull(message.path("refusal"));
          if (text == null && refusal != null) {
            // A structured-outputs refusal has no content, only the model's reason for refusing:
            // https://platform.openai.com/docs/guides/structured-outputs#refusals
            text = refusal;
            finishReason = "content_filter";
          }
          List<ToolCall> calls = JsonObjects.functionCalls(message.path("tool_calls"));
          return new ChatResponse(
              text,
              calls,
              finishReason,
              usage(root.path("usage")),
              textOr(root.path("model"), requestedModel),
              rateLimits);
        });
  }

  /**
   * The usage object, for compatible servers without the details objects (Ollama, vLLM, Groq) too;
   * {@code prompt_tokens} includes {@code prompt_tokens_details.cached_tokens} and {@code
   * completion_tokens} includes {@code completion_tokens_details.reasoning_tokens}. Missing means
   * zero (some compatible servers send no usage).
   */
  static Usage usage(JsonNode usage) {
    if (!usage.isObject()) {
      return Usage.ZERO;
    }
    return new Usage(
        usage.path("prompt_tokens").asLong(0),
        usage.path("completion_tokens").asLong(0),
        usage.path("prompt_tokens_details").path("cached_tokens").asLong(0),
        usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0));
  }

  /**
   * The finish reason in OpenAI's words (stop, length, tool_calls, content_filter). Compatible
   * servers pass their engine's own words through: TGI {@code eos_token}, older servers {@code
   * function_call}, {@code max_tokens} or {@code model_length}; unknown words are kept as they are.
   */
  static String finishReason(String raw) {
    if (raw == null) {
      return null;
    }
    return switch (raw) {
      case "eos", "eos_token", "end_turn", "stop_sequence" -> "stop";
      case "max_tokens", "model_length" -> "length";
      case "function_call" -> "tool_calls";
      default -> raw;
    };
  }
}

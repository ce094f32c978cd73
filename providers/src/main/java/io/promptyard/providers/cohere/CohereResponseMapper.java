package io.promptyard.providers.cohere;

import static io.promptyard.providers.http.JsonObjects.textOrNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.RateLimits;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.Failure;
import io.promptyard.providers.http.JsonObjects;
import io.promptyard.schemas.ToolCall;
import java.util.List;
import java.util.Locale;

/**
 * Reads a Cohere v2 chat response (https://docs.cohere.com/reference/chat#response) into a {@link
 * ChatResponse}.
 */
final class CohereResponseMapper {

  private final ObjectMapper json;

  CohereResponseMapper(ObjectMapper json) {
    this.json = json;
  }

  ChatResponse response(String body, String requestedModel, RateLimits rateLimits)
      throws FailedCall {
    JsonNode root = JsonObjects.inAnswer(json, body, "the body", rateLimits);
    JsonNode message =
        JsonObjects.part(
            root.path("message"), "message object", textOrNull(root.path("message")), rateLimits);
    String finish = textOrNull(root.path("finish_reason"));
    if (failedGeneration(finish)) {
      throw new FailedCall(new Failure.StreamError(body, rateLimits));
    }
    return JsonObjects.fields(
        rateLimits,
        () -> {
          StringBuilder text = new StringBuilder();
          boolean sawText = false;
          // Content blocks are "text" or, for reasoning models, "thinking"; the thinking is not the
          // answer.
          for (JsonNode block : message.path("content")) {
            if ("text".equals(block.path("type").asText())) {
              text.append(block.path("text").asText(""));
              sawText = true;
            }
          }
          List<ToolCall> calls = JsonObjects.functionCalls(message.path("tool_calls"));
          String answer =
              answer(
                  sawText ? text.toString() : null, textOrNull(message.path("tool_plan")), calls);
          return new ChatResponse(
              answer,
              calls,
              finishReason(finish),
              usage(root.path("usage")),
              requestedModel,
              rateLimits);
        });
  }

  /**
   * The answer's text: the tool plan Cohere writes before calling tools (its equivalent of OpenAI's
   * content beside tool_calls), then the text content. Null when the model only called tools and
   * wrote no plan. The stream hands out the plan's and the text's deltas in that order, so both
   * paths give the same text.
   */
  static String answer(String text, String toolPlan, List<ToolCall> calls) {
    String plan = toolPlan == null ? "" : toolPlan;
    if (text == null && plan.isEmpty()) {
      return calls.isEmpty() ? "" : null;
    }
    return plan + (text == null ? "" : text);
  }

  /**
   * Cohere's finish reasons in OpenAI's words
   * (https://docs.cohere.com/reference/chat#response.body.finish_reason).
   */
  static String finishReason(String cohere) {
    if (cohere == null) {
      return null;
    }
    return switch (cohere.toUpperCase(Locale.ROOT)) {
      case "COMPLETE", "STOP_SEQUENCE" -> "stop";
      case "MAX_TOKENS" -> "length";
      case "TOOL_CALL" -> "tool_calls";
      default -> cohere.toLowerCase(Locale.ROOT);
    };
  }

  /**
   * ERROR and TIMEOUT end a generation that failed on Cohere's side: there is no answer to return.
   */
  static boolean failedGeneration(String finish) {
    return finish != null
        && (finish.equalsIgnoreCase("ERROR") || finish.equalsIgnoreCase("TIMEOUT"));
  }

  /**
   * Tokens as Cohere bills them. {@code billed_units} are what Cohere charges for; {@code tokens}
   * also count the prompt template Cohere wraps around the messages (71 tokens for a 5-token
   * question in the reference example), so they are used only when no billed units are reported
   * (e.g. private deployments). Cohere's {@code cached_tokens} count against {@code tokens}, not
   * billed units, and Cohere documents no discount for them, so cached input stays 0 rather than
   * being billed at a cached price Cohere does not give. Reasoning models' thinking is billed as
   * output and not reported apart: reasoning stays 0.
   */
  static Usage usage(JsonNode usage) {
    if (!usage.isObject()) {
      return Usage.ZERO;
    }
    JsonNode billed = usage.path("billed_units");
    JsonNode counted = usage.path("tokens");
    JsonNode source = billed.has("input_tokens") || billed.has("output_tokens") ? billed : counted;
    return new Usage(
        source.path("input_tokens").asLong(0), source.path("output_tokens").asLong(0), 0, 0);
  }
}

package io.promptyard.providers.bedrock;

import io.promptyard.catalog.Usage;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.RateLimits;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.Failure;
import io.promptyard.schemas.ToolCall;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;

/**
 * Maps a Converse answer
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html) to a {@link
 * ChatResponse}: text blocks joined, toolUse blocks as tool calls, the stop reason in OpenAI's
 * words, and the token usage with cache reads and writes counted as input.
 */
final class BedrockResponseMapper {

  private BedrockResponseMapper() {}

  static ChatResponse response(
      ConverseResponse r, BedrockRequestMapper.Mapped request, RateLimits limits)
      throws FailedCall {
    if (r.output() == null || r.output().message() == null) {
      throw new FailedCall(
          new Failure.Malformed("the Converse answer has no output.message", null, limits));
    }
    StringBuilder text = new StringBuilder();
    boolean hasText = false;
    List<ToolCall> calls = new ArrayList<>();
    for (ContentBlock b : r.output().message().content()) {
      if (b.text() != null) {
        text.append(b.text());
        hasText = true;
      } else if (b.toolUse() != null) {
        String args = BedrockDocuments.toJson(b.toolUse().input());
        if (b.toolUse().name().equals(request.structuredTool())) {
          // The forced structured-output tool: its input is the answer, not a call for the caller
          // to run.
          text.append(args);
          hasText = true;
        } else {
          calls.add(new ToolCall(b.toolUse().toolUseId(), b.toolUse().name(), args));
        }
      }
      // reasoningContent, citations and other blocks are not part of the answer text.
    }
    String finish = finishReason(r.stopReasonAsString(), request.structuredTool() != null);
    return new ChatResponse(
        hasText ? text.toString() : null,
        calls,
        finish,
        usage(r.usage()),
        request.modelId(),
        limits);
  }

  /**
   * Converse stop reasons in OpenAI's words. A {@code tool_use} stop of the forced
   * structured-output tool is the end of the answer, so {@code stop}.
   */
  static String finishReason(String stopReason, boolean structured) {
    if (stopReason == null) {
      return "stop";
    }
    return switch (stopReason) {
      case "max_tokens", "model_context_window_exceeded" -> "length";
      case "tool_use" -> structured ? "stop" : "tool_calls";
      case "content_filtered", "guardrail_intervened" -> "content_filter";
      default -> "stop"; // end_turn, stop_sequence
    };
  }

  /**
   * Bedrock reports cache reads and writes apart from {@code inputTokens} (their sum with the
   * output is {@code totalTokens}); Promptyard's input includes them. Reasoning tokens are not
   * reported separately, they are in {@code outputTokens}.
   */
  static Usage usage(TokenUsage u) {
    if (u == null) {
      return Usage.ZERO;
    }
    long read = orZero(u.cacheReadInputTokens());
    long write = orZero(u.cacheWriteInputTokens());
    return new Usage(orZero(u.inputTokens()) + read + write, orZero(u.outputTokens()), read, 0);
  }

  private static long orZero(Integer n) {
    return n == null ? 0 : n;
  }
}

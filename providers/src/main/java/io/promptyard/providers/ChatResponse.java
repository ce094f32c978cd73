package io.promptyard.providers;

import io.promptyard.catalog.Usage;
import io.promptyard.schemas.ToolCall;
import java.util.List;

/**
 * A provider's complete answer, mapped to Promptyard's terms.
 *
 * @param text the answer text; null when the model only called tools
 * @param toolCalls the function calls the model asked for
 * @param finishReason one of stop, length, tool_calls, content_filter
 * @param usage tokens as the provider reported them
 * @param providerModel the model id the provider says answered
 * @param rateLimits what the provider's headers said about remaining quota
 */
public record ChatResponse(
    String text,
    List<ToolCall> toolCalls,
    String finishReason,
    Usage usage,
    String providerModel,
    RateLimits rateLimits) {
  public ChatResponse {
    toolCalls = List.copyOf(toolCalls);
  }
}

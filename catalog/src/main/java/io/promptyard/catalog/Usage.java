package io.promptyard.catalog;

/**
 * Tokens one call consumed. {@code inputTokens} includes {@code cachedInputTokens}; {@code
 * outputTokens} includes {@code reasoningTokens}, as OpenAI reports them.
 */
public record Usage(
    long inputTokens, long outputTokens, long cachedInputTokens, long reasoningTokens) {

  /** No tokens. */
  public static final Usage ZERO = new Usage(0, 0, 0, 0);

  public Usage {
    if (inputTokens < 0 || outputTokens < 0 || cachedInputTokens < 0 || reasoningTokens < 0) {
      throw new IllegalArgumentException(
          "token counts cannot be negative: " + inputTokens + "/" + outputTokens);
    }
  }

  public long totalTokens() {
    return inputTokens + outputTokens;
  }
}

package io.promptyard.testkit.provider;

import java.util.List;

/** What the simulated model answers: text (plain or JSON) or calls to the caller's tools. */
sealed interface Answer {

  String finishReason();

  /** Billed with the same tokenizer as the prompt, so usage matches what was returned. */
  int completionTokens();

  record Text(String content, String finishReason) implements Answer {
    @Override
    public int completionTokens() {
      return SimulatedTokenizer.count(content);
    }
  }

  record ToolCall(String id, String name, String arguments) {}

  record ToolCalls(List<ToolCall> calls) implements Answer {
    @Override
    public String finishReason() {
      return "tool_calls";
    }

    @Override
    public int completionTokens() {
      return calls.stream()
          .mapToInt(
              call ->
                  SimulatedTokenizer.count(call.name())
                      + SimulatedTokenizer.count(call.arguments()))
          .sum();
    }
  }
}

package io.promptyard.testkit.provider;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.OptionalInt;

/**
 * The parts of a chat-completions request the simulator acts on.
 *
 * @param answerSeed a hash of everything that shapes the answer except the length limit, so a
 *     truncated answer is a prefix of the full one
 */
record ChatRequest(
    String model,
    List<Message> messages,
    OptionalInt maxTokens,
    ResponseFormat responseFormat,
    List<Tool> tools,
    ToolChoice toolChoice,
    boolean stream,
    boolean includeUsage,
    long answerSeed) {

  /**
   * OpenAI bills a few tokens per message for the role and delimiters; see its token-counting
   * cookbook.
   */
  static final int TOKENS_PER_MESSAGE = 3;

  /** Every reply is primed with the assistant header, billed on the prompt side. */
  static final int TOKENS_PER_REPLY = 3;

  /** What the token bucket reserves for the completion when a request sets no max_tokens. */
  static final int DEFAULT_COMPLETION_ESTIMATE = 256;

  /**
   * One message; {@code text} joins its text parts and any tool-call names and arguments it
   * carries.
   */
  record Message(String role, String name, String text) {}

  /** A function the caller offers the model. */
  record Tool(String name, String description, JsonNode parameters) {}

  /** What form the content must take. */
  sealed interface ResponseFormat {
    record Text() implements ResponseFormat {}

    record JsonObject() implements ResponseFormat {}

    record JsonSchema(JsonNode schema) implements ResponseFormat {}
  }

  /** Whether and which tool the model must call. */
  sealed interface ToolChoice {
    record Auto() implements ToolChoice {}

    record None() implements ToolChoice {}

    record Required() implements ToolChoice {}

    record Named(String name) implements ToolChoice {}
  }

  int promptTokens() {
    int tokens = TOKENS_PER_REPLY;
    for (Message message : messages) {
      tokens += TOKENS_PER_MESSAGE + SimulatedTokenizer.count(message.text());
      if (message.name() != null) {
        tokens += 1 + SimulatedTokenizer.count(message.name());
      }
    }
    for (Tool tool : tools) {
      tokens +=
          SimulatedTokenizer.count(tool.name()) + SimulatedTokenizer.count(tool.description());
      if (tool.parameters() != null) {
        tokens += SimulatedTokenizer.count(tool.parameters().toString());
      }
    }
    return tokens;
  }

  /**
   * What the rate limiter charges up front, as OpenAI does: the prompt plus the most the answer may
   * use.
   */
  long estimatedTokens() {
    return promptTokens() + (long) maxTokens.orElse(DEFAULT_COMPLETION_ESTIMATE);
  }

  String lastUserText() {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role().equals("user")) {
        return messages.get(i).text();
      }
    }
    return "";
  }
}

package io.promptyard.providers.openai;

import static io.promptyard.providers.http.FailedCall.malformed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.Failure;
import io.promptyard.providers.http.JsonObjects;
import io.promptyard.providers.http.StreamAssembler;
import io.promptyard.providers.http.StreamedToolCalls;
import io.promptyard.schemas.ToolCall;
import java.util.List;

/**
 * Builds one answer from a stream of chat completion chunks
 * (https://platform.openai.com/docs/api-reference/chat-streaming/streaming), handing each text
 * delta on as a {@link ChatChunk}, accumulating tool-call deltas by index, and keeping the finish
 * reason and the final usage-only chunk.
 */
final class OpenAiStreamAssembler extends StreamAssembler {

  private final ObjectMapper json;

  private final StringBuilder text = new StringBuilder();
  private final StreamedToolCalls toolCalls = new StreamedToolCalls();
  private boolean sawText;
  private boolean refused;
  private String finishReason;
  private String model;
  private Usage usage = Usage.ZERO;
  private boolean sawUsage;
  private boolean done;

  OpenAiStreamAssembler(ObjectMapper json, Stream stream) {
    super(stream);
    this.json = json;
  }

  boolean done() {
    return done;
  }

  /** Consumes one event's data: a chunk object, an error object, or {@code [DONE]}. */
  @Override
  public void event(String data) throws FailedCall {
    checkingValues(() -> consume(data));
  }

  private void consume(String data) throws FailedCall {
    if (done) {
      return;
    }
    if (data.strip().equals("[DONE]")) {
      done = true;
      return;
    }
    JsonNode chunk = JsonObjects.inAnswer(json, data, "a stream event", rateLimits);
    if (chunk.path("error").isObject() || chunk.path("error").isTextual()) {
      throw new FailedCall(new Failure.StreamError(data, rateLimits));
    }
    String chunkModel = JsonObjects.textOrNull(chunk.path("model"));
    // Azure OpenAI's first chunk carries only prompt_filter_results, with "model": "" and
    // "choices": [].
    if (model == null && chunkModel != null && !chunkModel.isEmpty()) {
      model = chunkModel;
    }
    if (chunk.path("usage").isObject()) {
      usage = OpenAiResponseMapper.usage(chunk.path("usage"));
      sawUsage = true;
    } else if (!sawUsage && chunk.path("x_groq").path("usage").isObject()) {
      // Groq puts a stream's usage in x_groq.usage of its finishing chunk, and only recently in
      // "usage" too (see the recorded shape in the conformance OpenAiCompatibleServerFixture).
      usage = OpenAiResponseMapper.usage(chunk.path("x_groq").path("usage"));
    }
    // The usage-only chunk has "choices": []; we never ask for n > 1, so choice 0 is the answer.
    JsonNode choice = chunk.path("choices").path(0);
    if (!choice.isObject()) {
      return;
    }
    JsonNode delta = choice.path("delta");
    String refusal = JsonObjects.textOrNull(delta.path("refusal"));
    refused |= refusal != null && !refusal.isEmpty();
    String content = concat(JsonObjects.textOrNull(delta.path("content")), refusal);
    int position = 0;
    for (JsonNode call : delta.path("tool_calls")) {
      int index = call.path("index").asInt(position++);
      JsonNode function = call.path("function");
      toolCalls.add(
          index,
          JsonObjects.textOrNull(call.path("id")),
          JsonObjects.textOrNull(function.path("name")),
          JsonObjects.textOrNull(function.path("arguments")));
    }
    String finish =
        OpenAiResponseMapper.finishReason(JsonObjects.textOrNull(choice.path("finish_reason")));
    if (finish != null) {
      finishReason = refused ? "content_filter" : finish;
    }
    if (!content.isEmpty()) {
      sawText = true;
      text.append(content);
      emit(content, finish == null ? null : finishReason);
    } else if (finish != null) {
      emit("", finishReason);
    }
  }

  /**
   * The assembled answer; a stream without {@code [DONE]} or without a finish reason was cut short.
   */
  @Override
  public ChatResponse response() throws FailedCall {
    if (!done) {
      throw malformed("the stream ended before data: [DONE] (cut short?)", null, rateLimits);
    }
    if (finishReason == null) {
      throw malformed("the stream ended without a finish_reason", null, rateLimits);
    }
    List<ToolCall> calls = toolCalls.toolCalls(rateLimits);
    String answer = sawText || calls.isEmpty() ? text.toString() : null;
    return new ChatResponse(
        answer, calls, finishReason, usage, model == null ? requestedModel : model, rateLimits);
  }

  private static String concat(String content, String refusal) {
    return (content == null ? "" : content) + (refusal == null ? "" : refusal);
  }
}

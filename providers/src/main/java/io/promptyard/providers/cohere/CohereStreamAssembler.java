package io.promptyard.providers.cohere;

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
 * Builds one answer from Cohere's v2 chat event stream (https://docs.cohere.com/v2/docs/streaming,
 * https://docs.cohere.com/reference/chat-stream): text from {@code content-delta} and {@code
 * tool-plan-delta} handed on as {@link ChatChunk}s, tool calls from {@code tool-call-start} and
 * {@code tool-call-delta} by index, and finish reason and usage from {@code message-end}, the one
 * event that proves the stream complete.
 */
final class CohereStreamAssembler extends StreamAssembler {

  private final ObjectMapper json;

  private final StringBuilder text = new StringBuilder();
  private final StringBuilder plan = new StringBuilder();
  private final StreamedToolCalls toolCalls = new StreamedToolCalls();
  private boolean sawText;
  private String finishReason;
  private Usage usage = Usage.ZERO;
  private boolean ended;

  CohereStreamAssembler(ObjectMapper json, Stream stream) {
    super(stream);
    this.json = json;
  }

  /**
   * Consumes one event's data: a JSON event object, or the {@code [DONE]} terminator after
   * message-end.
   */
  @Override
  public void event(String data) throws FailedCall {
    checkingValues(() -> consume(data));
  }

  private void consume(String data) throws FailedCall {
    if (ended || data.strip().equals("[DONE]")) {
      return;
    }
    JsonNode event = JsonObjects.inAnswer(json, data, "a stream event", rateLimits);
    JsonNode message = event.path("delta").path("message");
    switch (event.path("type").asText("")) {
      case "content-start", "content-delta" -> {
        // Reasoning models stream their thinking in "thinking"; only "text" is the answer.
        String piece = JsonObjects.textOrNull(message.path("content").path("text"));
        if (piece != null) {
          sawText = true;
          text.append(piece);
          emit(piece);
        }
      }
      case "tool-plan-delta" -> {
        String piece = JsonObjects.textOrNull(message.path("tool_plan"));
        if (piece != null) {
          plan.append(piece);
          emit(piece);
        }
      }
      case "tool-call-start", "tool-call-delta" -> {
        JsonNode call = message.path("tool_calls");
        JsonNode function = call.path("function");
        toolCalls.add(
            event.path("index").asInt(toolCalls.size()),
            JsonObjects.textOrNull(call.path("id")),
            JsonObjects.textOrNull(function.path("name")),
            JsonObjects.textOrNull(function.path("arguments")));
      }
      case "message-end" -> end(event.path("delta"), data);
      case "" -> {
        // Not an event: an error object ({"message": ...}) sent in place of the stream.
        if (event.path("message").isTextual()) {
          throw new FailedCall(new Failure.StreamError(data, rateLimits));
        }
        throw malformed("a stream event has no type", null, rateLimits);
      }
      default -> {} // message-start, content-end, tool-call-end, citations, debug: nothing to keep
    }
  }

  private void end(JsonNode delta, String data) throws FailedCall {
    String finish = JsonObjects.textOrNull(delta.path("finish_reason"));
    String error = JsonObjects.textOrNull(delta.path("error"));
    if (CohereResponseMapper.failedGeneration(finish) || (error != null && !error.isBlank())) {
      throw new FailedCall(new Failure.StreamError(data, rateLimits));
    }
    ended = true;
    finishReason = CohereResponseMapper.finishReason(finish);
    usage = CohereResponseMapper.usage(delta.path("usage"));
    emit("", finishReason);
  }

  private void emit(String piece) {
    if (!piece.isEmpty()) {
      emit(piece, null);
    }
  }

  /** The assembled answer; a stream without {@code message-end} was cut short. */
  @Override
  public ChatResponse response() throws FailedCall {
    if (!ended) {
      throw malformed(
          "the stream ended before its message-end event (cut short?)", null, rateLimits);
    }
    if (finishReason == null) {
      throw malformed("the message-end event has no finish_reason", null, rateLimits);
    }
    List<ToolCall> calls = toolCalls.toolCalls(rateLimits);
    String answer =
        CohereResponseMapper.answer(sawText ? text.toString() : null, plan.toString(), calls);
    return new ChatResponse(answer, calls, finishReason, usage, requestedModel, rateLimits);
  }
}

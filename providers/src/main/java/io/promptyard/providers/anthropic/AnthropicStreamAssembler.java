package io.promptyard.providers.anthropic;

import static io.promptyard.providers.http.FailedCall.malformed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.catalog.Usage;
import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.Failure;
import io.promptyard.providers.http.JsonObjects;
import io.promptyard.providers.http.StreamAssembler;
import io.promptyard.schemas.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds one answer from a Messages API event stream
 * (https://docs.claude.com/en/docs/build-with-claude/streaming): {@code message_start}, then per
 * content block {@code content_block_start}, deltas and {@code content_block_stop}, then {@code
 * message_delta} (stop reason, cumulative usage) and {@code message_stop}; {@code ping} and unknown
 * event types are skipped, as the docs ask; an {@code error} event fails the call. Text deltas, and
 * the pieces of a structured answer's JSON, are handed on as {@link ChatChunk}s; tool input arrives
 * as partial JSON per block.
 */
final class AnthropicStreamAssembler extends StreamAssembler {

  private final ObjectMapper json;
  private final String answerTool;

  private final StringBuilder text = new StringBuilder();
  private final Map<Integer, Block> blocks = new TreeMap<>();
  private boolean sawText;
  private boolean answered;
  private String stopReason;
  private String model;
  private JsonNode startUsage;
  private JsonNode deltaUsage;
  private boolean started;
  private boolean done;

  AnthropicStreamAssembler(ObjectMapper json, String answerTool, Stream stream) {
    super(stream);
    this.json = json;
    this.answerTool = answerTool;
  }

  /** Consumes one event's data. */
  @Override
  public void event(String data) throws FailedCall {
    if (done) {
      return;
    }
    JsonNode event = JsonObjects.inAnswer(json, data, "a stream event", rateLimits);
    switch (event.path("type").asText()) {
      case "message_start" -> {
        started = true;
        JsonNode message = event.path("message");
        model = JsonObjects.textOrNull(message.path("model"));
        startUsage = message.path("usage");
      }
      case "content_block_start" ->
          blockStart(event.path("index").asInt(blocks.size()), event.path("content_block"));
      case "content_block_delta" -> delta(event.path("index").asInt(-1), event.path("delta"));
      case "message_delta" -> {
        String reason = JsonObjects.textOrNull(event.path("delta").path("stop_reason"));
        if (reason != null) {
          stopReason = reason;
        }
        if (event.path("usage").isObject()) {
          deltaUsage = event.path("usage");
        }
        if (reason != null) {
          emit("", finishReason());
        }
      }
      case "message_stop" -> done = true;
      case "error" -> throw new FailedCall(new Failure.StreamError(data, rateLimits));
      default -> {
        // ping, content_block_stop and event types added after this adapter was written
      }
    }
  }

  private void blockStart(int index, JsonNode block) {
    Block b =
        new Block(
            block.path("type").asText(),
            JsonObjects.textOrNull(block.path("id")),
            JsonObjects.textOrNull(block.path("name")),
            block.path("input"));
    blocks.put(index, b);
    if (b.type.equals("text")) {
      sawText = true;
      emit(block.path("text").asText(""));
    } else if (b.isAnswer()) {
      sawText = true;
      answered = true;
    }
  }

  private void delta(int index, JsonNode delta) throws FailedCall {
    Block b = blocks.get(index);
    if (b == null) {
      throw malformed(
          "a content_block_delta for block " + index + " came before its content_block_start",
          null,
          rateLimits);
    }
    switch (delta.path("type").asText()) {
      case "text_delta" -> emit(delta.path("text").asText(""));
      case "input_json_delta" -> {
        String piece = delta.path("partial_json").asText("");
        b.input.append(piece);
        if (b.isAnswer()) {
          emit(piece);
        }
      }
      default -> {
        // thinking_delta, signature_delta, citations_delta: nothing Promptyard's answer has a place
        // for
      }
    }
  }

  private void emit(String piece) {
    if (!piece.isEmpty()) {
      text.append(piece);
      emit(piece, null);
    }
  }

  private String finishReason() {
    String finish = AnthropicResponseMapper.finishReason(stopReason);
    boolean callerTools =
        blocks.values().stream().anyMatch(b -> b.type.equals("tool_use") && !b.isAnswer());
    return answered && finish.equals("tool_calls") && !callerTools ? "stop" : finish;
  }

  /** The assembled answer; a stream without {@code message_stop} was cut short. */
  @Override
  public ChatResponse response() throws FailedCall {
    if (!started) {
      throw malformed("the stream has no message_start event", null, rateLimits);
    }
    if (!done) {
      throw malformed("the stream ended before message_stop (cut short?)", null, rateLimits);
    }
    if (stopReason == null) {
      throw malformed("the stream ended without a stop_reason", null, rateLimits);
    }
    List<ToolCall> calls = new ArrayList<>();
    for (Block b : blocks.values()) {
      if (b.type.equals("tool_use") && !b.isAnswer()) {
        if (b.id == null || b.name == null) {
          throw malformed("a streamed tool_use block has no id or no name", null, rateLimits);
        }
        calls.add(
            ToolCall.newBuilder().setId(b.id).setName(b.name).setArguments(b.arguments()).build());
      }
    }
    String answer = sawText || calls.isEmpty() ? text.toString() : null;
    return new ChatResponse(
        answer, calls, finishReason(), usage(), model == null ? requestedModel : model, rateLimits);
  }

  /**
   * message_start carries the input side; message_delta's usage is cumulative and, in newer API
   * versions, repeats the input side too, so its fields win where present.
   */
  private Usage usage() throws FailedCall {
    ObjectNode merged = json.createObjectNode();
    if (startUsage instanceof ObjectNode start) {
      merged.setAll(start);
    }
    if (deltaUsage != null) {
      deltaUsage
          .properties()
          .forEach(
              e -> {
                if (!e.getValue().isNull()) {
                  merged.set(e.getKey(), e.getValue());
                }
              });
    }
    try {
      return AnthropicResponseMapper.usage(merged);
    } catch (IllegalArgumentException e) {
      throw malformed(
          "the stream's usage has unexpected values (" + e.getMessage() + ")", e, rateLimits);
    }
  }

  /** One content block as its deltas arrive. */
  private final class Block {
    private final String type;
    private final String id;
    private final String name;
    private final JsonNode startInput;
    private final StringBuilder input = new StringBuilder();

    Block(String type, String id, String name, JsonNode startInput) {
      this.type = type;
      this.id = id;
      this.name = name;
      this.startInput = startInput;
    }

    boolean isAnswer() {
      return type.equals("tool_use") && name != null && name.equals(answerTool);
    }

    /** The streamed input; without deltas, the (usually empty) input of content_block_start. */
    String arguments() {
      if (!input.isEmpty()) {
        return input.toString();
      }
      return startInput.isObject() ? startInput.toString() : "{}";
    }
  }
}

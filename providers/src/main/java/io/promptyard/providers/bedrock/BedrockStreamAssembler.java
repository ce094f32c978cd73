package io.promptyard.providers.bedrock;

import io.promptyard.catalog.Usage;
import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.ChatResponse;
import io.promptyard.providers.RateLimits;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.Failure;
import io.promptyard.schemas.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockDeltaEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockStartEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamMetadataEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStopEvent;

/**
 * Turns ConverseStream events (messageStart, contentBlockStart, contentBlockDelta,
 * contentBlockStop, messageStop, metadata:
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html)
 * into {@link ChatChunk}s in order, and assembles the answer they add up to. Text deltas of the
 * forced structured-output tool are streamed as answer text, so that the chunks still concatenate
 * to the answer. Public, with {@link RequestMapper}, as Bedrock's wire codec, which the bench
 * module measures without a call.
 */
public final class BedrockStreamAssembler {

  private final Consumer<ChatChunk> onChunk;
  private final BedrockRequestMapper.Mapped request;
  private final StringBuilder text = new StringBuilder();
  private boolean hasText;

  /** Tool-use blocks by their content block index: id, name and the input JSON as it arrives. */
  private final Map<Integer, ToolUse> tools = new TreeMap<>();

  private int index;
  private String stopReason;
  private Usage usage = Usage.ZERO;

  private static final class ToolUse {
    final String id;
    final String name;
    final StringBuilder input = new StringBuilder();

    ToolUse(String id, String name) {
      this.id = id;
      this.name = name;
    }
  }

  public BedrockStreamAssembler(Consumer<ChatChunk> onChunk, BedrockRequestMapper.Mapped request) {
    this.onChunk = onChunk;
    this.request = request;
  }

  /** Reads the next event of the stream, handing any new text to the chunk consumer. */
  public void event(ConverseStreamOutput event) {
    switch (event) {
      case ContentBlockStartEvent start
          when start.start() != null && start.start().toolUse() != null ->
          tools.put(
              start.contentBlockIndex(),
              new ToolUse(start.start().toolUse().toolUseId(), start.start().toolUse().name()));
      case ContentBlockDeltaEvent delta when delta.delta() != null -> {
        if (delta.delta().text() != null) {
          emit(delta.delta().text());
        } else if (delta.delta().toolUse() != null) {
          ToolUse tool = tools.get(delta.contentBlockIndex());
          String piece =
              delta.delta().toolUse().input() == null ? "" : delta.delta().toolUse().input();
          if (tool == null) {
            return; // a delta without its start: nothing to attach it to; messageStop checks still
            // apply
          }
          tool.input.append(piece);
          if (tool.name.equals(request.structuredTool())) {
            emit(piece);
          }
        }
      }
      case MessageStopEvent stop -> stopReason = stop.stopReasonAsString();
      case ConverseStreamMetadataEvent metadata ->
          usage = BedrockResponseMapper.usage(metadata.usage());
      default -> {} // messageStart, contentBlockStop, reasoning deltas: nothing for the caller
    }
  }

  private void emit(String piece) {
    if (piece.isEmpty()) {
      return;
    }
    text.append(piece);
    hasText = true;
    onChunk.accept(new ChatChunk(index++, piece, null));
  }

  /** The assembled answer once the stream has ended; a stream without messageStop was cut short. */
  public ChatResponse response(RateLimits limits) throws FailedCall {
    if (stopReason == null) {
      throw new FailedCall(
          new Failure.Malformed("the stream ended without a messageStop event", null, limits));
    }
    String finish =
        BedrockResponseMapper.finishReason(stopReason, request.structuredTool() != null);
    List<ToolCall> calls = new ArrayList<>();
    for (ToolUse t : tools.values()) {
      if (!t.name.equals(request.structuredTool())) {
        calls.add(new ToolCall(t.id, t.name, t.input.isEmpty() ? "{}" : t.input.toString()));
      }
    }
    onChunk.accept(new ChatChunk(index++, "", finish));
    return new ChatResponse(
        hasText ? text.toString() : null, calls, finish, usage, request.modelId(), limits);
  }
}

package io.promptyard.providers.http;

import io.promptyard.providers.RateLimits;
import io.promptyard.schemas.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tool calls of one streamed answer, put together by index as their pieces arrive: a call's id
 * and function name once, its arguments in pieces. The adapters whose streams send tool calls this
 * way (OpenAI's chat completions, Cohere's v2 chat) read each piece out of their own events and add
 * it here.
 */
public final class StreamedToolCalls {

  private final Map<Integer, Parts> byIndex = new TreeMap<>();

  /**
   * Adds one piece of the call at {@code index}. A null or empty id or name leaves the one already
   * seen; null arguments add nothing.
   */
  public void add(int index, String id, String name, String arguments) {
    byIndex.computeIfAbsent(index, i -> new Parts()).add(id, name, arguments);
  }

  /** How many calls have begun. */
  public int size() {
    return byIndex.size();
  }

  /**
   * The calls, in index order.
   *
   * @throws FailedCall (malformed) when a call never got its id or its function name
   */
  public List<ToolCall> toolCalls(RateLimits rateLimits) throws FailedCall {
    List<ToolCall> calls = new ArrayList<>();
    for (Parts parts : byIndex.values()) {
      if (parts.id == null || parts.name == null) {
        throw FailedCall.malformed(
            "a streamed tool call has no id or no function name", null, rateLimits);
      }
      calls.add(
          ToolCall.newBuilder()
              .setId(parts.id)
              .setName(parts.name)
              .setArguments(parts.arguments.toString())
              .build());
    }
    return calls;
  }

  private static final class Parts {
    private String id;
    private String name;
    private final StringBuilder arguments = new StringBuilder();

    void add(String newId, String newName, String piece) {
      if (newId != null && !newId.isEmpty()) {
        id = newId;
      }
      if (newName != null && !newName.isEmpty()) {
        name = newName;
      }
      if (piece != null) {
        arguments.append(piece);
      }
    }
  }
}

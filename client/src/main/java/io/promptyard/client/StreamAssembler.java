package io.promptyard.client;

import io.promptyard.schemas.CompletionChunk;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ResultStatus;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Turns one request's chunks and result, as they arrive from two topics, into deltas in index order
 * followed by the result. Chunks arrive in order on their partition but may be read after the
 * result (another topic), and a redelivered job may repeat them: duplicates are dropped, early
 * chunks wait for the ones before them, and a result read before the last chunk is held until that
 * chunk arrives or a grace period passes. A result whose text goes on past the deltas delivered (a
 * cache hit streams nothing) has the rest delivered as one last delta. Used by the client's
 * listener thread only.
 */
final class StreamAssembler {

  private final Consumer<String> onDelta;
  private final TreeMap<Integer, CompletionChunk> ahead = new TreeMap<>();
  private final StringBuilder delivered = new StringBuilder();
  private int next;
  private boolean lastChunkSeen;
  private CompletionResult held;
  private long heldSince;

  StreamAssembler(Consumer<String> onDelta) {
    this.onDelta = onDelta;
  }

  /** Takes a chunk; returns the result when this chunk completed the stream, else null. */
  CompletionResult chunk(CompletionChunk chunk) {
    if (chunk.getIndex() < next) {
      return null;
    }
    ahead.putIfAbsent(chunk.getIndex(), chunk);
    while (!ahead.isEmpty() && ahead.firstKey() == next) {
      CompletionChunk c = ahead.pollFirstEntry().getValue();
      next++;
      if (!c.getTextDelta().isEmpty()) {
        delivered.append(c.getTextDelta());
        onDelta.accept(c.getTextDelta());
      }
      if (c.getFinishReason() != null) {
        lastChunkSeen = true;
      }
    }
    return held != null && lastChunkSeen ? finish() : null;
  }

  /**
   * Takes the result; returns it when the stream is complete, else null (held until {@link
   * #expire}).
   */
  CompletionResult result(CompletionResult result, long nowMillis) {
    held = result;
    heldSince = nowMillis;
    boolean complete =
        result.getStatus() != ResultStatus.SUCCEEDED
            || result.getCached()
            || lastChunkSeen
            || text(result).contentEquals(delivered);
    return complete ? finish() : null;
  }

  /** The held result once the grace period has passed without the last chunk, else null. */
  CompletionResult expire(long nowMillis, long graceMillis) {
    return held != null && nowMillis - heldSince >= graceMillis ? finish() : null;
  }

  boolean holding() {
    return held != null;
  }

  private CompletionResult finish() {
    String text = text(held);
    if (held.getStatus() == ResultStatus.SUCCEEDED
        && text.length() > delivered.length()
        && text.startsWith(delivered.toString())) {
      String rest = text.substring(delivered.length());
      delivered.append(rest);
      onDelta.accept(rest);
    }
    return held;
  }

  private static String text(CompletionResult r) {
    return r.getOutput() == null || r.getOutput().getText() == null ? "" : r.getOutput().getText();
  }
}

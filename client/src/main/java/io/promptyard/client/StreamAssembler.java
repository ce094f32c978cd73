package io.promptyard.client;

import io.promptyard.schemas.CompletionChunk;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ResultStatus;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Turns one request's chunks and result, as they arrive from two topics, into deltas in index order
 * followed by the result. Chunks arrive in order on their partition but may be read after the
 * result (another topic), and a redelivered job may repeat them: duplicates are dropped, early
 * chunks wait for the ones before them, and a result read before the last chunk is held until that
 * chunk arrives or a grace period passes. Each chunk carries the job's attempt that streamed it: an
 * attempt that fails half-way is followed by a retry or fallback streaming from index 0 again, so
 * the chunks of an earlier attempt than the newest seen are dropped, and a restart is announced
 * when text of a failed attempt was already delivered; the deltas after the last restart are the
 * answering attempt's alone. A result whose text goes on past the deltas delivered (a cache hit
 * streams nothing) has the rest delivered as one last delta, after a restart if what was delivered
 * is not its beginning. Used by the client's listener thread only.
 */
final class StreamAssembler {

  private final Consumer<String> onDelta;
  private final IntConsumer onRestart;
  private final TreeMap<Integer, CompletionChunk> ahead = new TreeMap<>();
  private final StringBuilder delivered = new StringBuilder();

  /** The attempt whose chunks are assembled; 0 before any chunk, or from workers that omit it. */
  private int attempt;

  private int next;
  private boolean lastChunkSeen;
  private CompletionResult held;
  private long heldSince;

  /**
   * @param onDelta receives each delta of the attempt being assembled
   * @param onRestart receives the number of a new attempt when the text delivered so far belongs to
   *     one that failed, so that the caller can discard it
   */
  StreamAssembler(Consumer<String> onDelta, IntConsumer onRestart) {
    this.onDelta = onDelta;
    this.onRestart = onRestart;
  }

  /** Takes a chunk; returns the result when this chunk completed the stream, else null. */
  CompletionResult chunk(CompletionChunk chunk) {
    int from = chunk.getAttempt();
    if (from < attempt || (held != null && answering(held) != 0 && from > answering(held))) {
      // A failed attempt's chunk read late, or one of an attempt after the one that answered.
      return null;
    }
    if (from > attempt) {
      restartAt(from);
    }
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
    return held != null && lastChunkSeen && streamedBy(held) ? finish() : null;
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
            || (streamedBy(result) && (lastChunkSeen || text(result).contentEquals(delivered)));
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
    if (held.getStatus() == ResultStatus.SUCCEEDED) {
      if (!streamedBy(held) || !text.startsWith(delivered.toString())) {
        // What was delivered is not the beginning of the answer (a failed attempt's text before a
        // cache hit, or chunks lost): start the answer over.
        restartAt(answering(held));
      }
      if (text.length() > delivered.length()) {
        String rest = text.substring(delivered.length());
        delivered.append(rest);
        onDelta.accept(rest);
      }
    }
    return held;
  }

  /** Assembles the chunks of attempt {@code from} from index 0, dropping an earlier attempt's. */
  private void restartAt(int from) {
    attempt = from;
    ahead.clear();
    next = 0;
    lastChunkSeen = false;
    if (!delivered.isEmpty()) {
      delivered.setLength(0);
      onRestart.accept(from);
    }
  }

  /**
   * Whether the chunks assembled are the answering attempt's: the result's attempts count it last,
   * and chunks and results of workers that do not number attempts are taken to match.
   */
  private boolean streamedBy(CompletionResult result) {
    return attempt == 0 || answering(result) == 0 || attempt == answering(result);
  }

  /** The attempt that produced a result's answer: its last. */
  private static int answering(CompletionResult result) {
    return result.getAttempts();
  }

  private static String text(CompletionResult r) {
    return r.getOutput() == null || r.getOutput().getText() == null ? "" : r.getOutput().getText();
  }
}

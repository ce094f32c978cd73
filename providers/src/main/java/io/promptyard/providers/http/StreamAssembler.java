package io.promptyard.providers.http;

import static io.promptyard.providers.http.FailedCall.malformed;

import io.promptyard.providers.ChatChunk;
import io.promptyard.providers.RateLimits;
import java.util.function.Consumer;

/**
 * The part every adapter's streamed-answer assembler shares: the model asked for, the rate limits
 * the answer's headers gave, and the numbering of the chunks handed on to the caller.
 */
public abstract class StreamAssembler implements HttpChatCall.EventReader {

  /** Reads (part of) one event, throwing what the provider's JSON makes of it. */
  @FunctionalInterface
  protected interface EventStep {
    void run() throws FailedCall;
  }

  /** The model the request named, for an answer that names none. */
  protected final String requestedModel;

  /** What the answer's headers said about rate limits, carried by every answer and failure. */
  protected final RateLimits rateLimits;

  private final Consumer<ChatChunk> onChunk;
  private int nextIndex;

  /**
   * What every assembler of one streamed answer is given: where its chunks go, the model the
   * request named, and the rate limits the answer's headers gave.
   */
  public record Stream(Consumer<ChatChunk> onChunk, String requestedModel, RateLimits rateLimits) {}

  protected StreamAssembler(Stream stream) {
    this.onChunk = stream.onChunk();
    this.requestedModel = stream.requestedModel();
    this.rateLimits = stream.rateLimits();
  }

  /** Hands the next chunk, numbered in order from 0, to the caller. */
  protected final void emit(String text, String finishReason) {
    onChunk.accept(new ChatChunk(nextIndex++, text, finishReason));
  }

  /**
   * Runs {@code step}, a value the answer's types refuse (e.g. negative token counts, which Usage
   * refuses) failing the call as a malformed answer.
   */
  protected final void checkingValues(EventStep step) throws FailedCall {
    try {
      step.run();
    } catch (IllegalArgumentException e) {
      throw malformed(
          "a stream event has unexpected values (" + e.getMessage() + ")", e, rateLimits);
    }
  }
}

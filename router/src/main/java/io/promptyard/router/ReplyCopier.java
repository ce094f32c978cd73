package io.promptyard.router;

import io.promptyard.schemas.CompletionResult;

/**
 * Where the router sends a copy of a result it decides itself (a {@code REJECTED} one) when the
 * request names a reply topic: {@link ReplyCopies} in a running router.
 */
@FunctionalInterface
public interface ReplyCopier {

  /** Sends no copies: a router whose rejections go to the results topic only. */
  ReplyCopier NONE = (replyTopic, result) -> {};

  /**
   * Sends a copy of {@code result}, keyed by its id, to {@code replyTopic}, a topic the reply
   * prefix allows (a null or blank one asks for no copy); must not block the stream thread.
   */
  void copy(String replyTopic, CompletionResult result);
}

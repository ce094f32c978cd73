package io.promptyard.client;

import java.util.concurrent.CompletionException;

/** What the client's chained futures share. */
final class Stages {

  private Stages() {}

  /**
   * The failure itself, not the {@link CompletionException} a dependent stage wraps it in: a
   * caller's future fails with what went wrong.
   */
  static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException c && c.getCause() != null
        ? c.getCause()
        : failure;
  }
}

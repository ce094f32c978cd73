package io.promptyard.client;

import io.promptyard.schemas.CompletionResult;

/** A request ended without an answer to use (REJECTED, FAILED or EXPIRED); the result says why. */
public final class CompletionFailedException extends RuntimeException {

  private final transient CompletionResult result;

  public CompletionFailedException(CompletionResult result) {
    super(
        "request "
            + result.getId()
            + " ended "
            + result.getStatus()
            + (result.getError() == null
                ? ""
                : ": " + result.getError().getCode() + " " + result.getError().getMessage()));
    this.result = result;
  }

  /** The terminal result, with its error. */
  public CompletionResult result() {
    return result;
  }
}

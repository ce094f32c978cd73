package io.promptyard.providers.conformance;

import io.promptyard.schemas.ErrorCode;

/**
 * The documented error answers every adapter must classify the same way: the code from the closed
 * list and whether retrying can help. Each {@link ProviderFixture} supplies its provider's own body
 * for each one it documents.
 */
public enum ErrorScenario {
  BAD_REQUEST(ErrorCode.INVALID_REQUEST, false),
  UNAUTHORIZED(ErrorCode.AUTHENTICATION, false),
  FORBIDDEN(ErrorCode.PERMISSION_DENIED, false),
  MODEL_NOT_FOUND(ErrorCode.MODEL_NOT_FOUND, false),
  CONTEXT_TOO_LONG(ErrorCode.CONTEXT_TOO_LONG, false),
  RATE_LIMITED(ErrorCode.RATE_LIMITED, true),
  SERVER_ERROR(ErrorCode.PROVIDER_ERROR, true),
  UNAVAILABLE(ErrorCode.OVERLOADED, true),
  /** Anthropic's 529 overloaded_error; other providers do not document it. */
  OVERLOADED_529(ErrorCode.OVERLOADED, true);

  private final ErrorCode code;
  private final boolean retryable;

  ErrorScenario(ErrorCode code, boolean retryable) {
    this.code = code;
    this.retryable = retryable;
  }

  public ErrorCode code() {
    return code;
  }

  public boolean retryable() {
    return retryable;
  }
}

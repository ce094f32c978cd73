package io.promptyard.worker.guard;

import io.promptyard.schemas.ErrorCode;
import java.time.Duration;
import java.util.Objects;

/**
 * A call that a guard will not let through now: the circuit is open ({@code OVERLOADED}) or the
 * shared rate limit would make it wait longer than a job waits in place ({@code RATE_LIMITED}). No
 * provider was called.
 */
public final class CallRefused extends Exception {
  private final ErrorCode code;
  private final Duration retryAfter;

  public CallRefused(ErrorCode code, String message, Duration retryAfter) {
    super(message, null, false, false);
    this.code = Objects.requireNonNull(code, "code");
    this.retryAfter = retryAfter;
  }

  public ErrorCode code() {
    return code;
  }

  /** When trying again may succeed; null when unknown. */
  public Duration retryAfter() {
    return retryAfter;
  }
}

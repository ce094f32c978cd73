package io.promptyard.worker.guard;

import io.promptyard.schemas.ErrorCode;
import java.time.Duration;
import java.util.Objects;

/**
 * A call that a guard will not let through now: the circuit is open ({@code OVERLOADED}, or the
 * broken account's or model's error when that is why it opened) or the shared rate limit would make
 * it wait longer than a job waits in place ({@code RATE_LIMITED}). No provider was called.
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

  /**
   * Whether the same call may be let through later: true for an open circuit of a provider that
   * failed on its side and for a rate limit; false for a circuit opened by a broken account or
   * model (a refused key, exhausted quota, a missing model), where the job needs another provider
   * or an operator.
   */
  public boolean retryable() {
    return code == ErrorCode.OVERLOADED || code == ErrorCode.RATE_LIMITED;
  }

  /** When trying again may succeed; null when unknown. */
  public Duration retryAfter() {
    return retryAfter;
  }
}

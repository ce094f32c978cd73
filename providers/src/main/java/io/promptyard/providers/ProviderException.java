package io.promptyard.providers;

import io.promptyard.schemas.ErrorCode;
import java.time.Duration;
import java.util.Objects;

/**
 * A failed provider call, classified once by the adapter: a code from the closed list, whether
 * retrying can help, the provider's HTTP status and message (never an API key), and any rate-limit
 * advice.
 */
public final class ProviderException extends Exception {
  private final ErrorCode code;
  private final boolean retryable;
  private final Integer providerStatus;
  private final RateLimits rateLimits;

  public ProviderException(
      ErrorCode code,
      boolean retryable,
      Integer providerStatus,
      String message,
      RateLimits rateLimits,
      Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
    this.retryable = retryable;
    this.providerStatus = providerStatus;
    this.rateLimits = rateLimits == null ? RateLimits.UNKNOWN : rateLimits;
  }

  public ErrorCode code() {
    return code;
  }

  public boolean retryable() {
    return retryable;
  }

  /**
   * What the failure says is broken: the call, the request, the provider account or one model on
   * it.
   */
  public FailureScope scope() {
    return FailureScope.of(code, retryable);
  }

  /** The HTTP status the provider answered with, or null when no response arrived. */
  public Integer providerStatus() {
    return providerStatus;
  }

  public RateLimits rateLimits() {
    return rateLimits;
  }

  /** How long the provider asked us to wait, or null. */
  public Duration retryAfter() {
    return rateLimits.retryAfter();
  }
}

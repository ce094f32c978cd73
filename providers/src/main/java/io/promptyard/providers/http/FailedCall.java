package io.promptyard.providers.http;

import io.promptyard.providers.RateLimits;

/** Carries a {@link Failure} from deep in a call up to the adapter, which classifies it once. */
public final class FailedCall extends Exception {
  private final transient Failure failure;

  public FailedCall(Failure failure) {
    super(null, null, false, false);
    this.failure = failure;
  }

  /**
   * A request this provider's API cannot express; {@code what} says which part, for the caller to
   * fix.
   */
  public static FailedCall unsendable(String what) {
    return new FailedCall(new Failure.Unsendable(what));
  }

  /** A 2xx answer that cannot be read; {@code what} says what was wrong with it. */
  public static FailedCall malformed(String what, Throwable cause, RateLimits rateLimits) {
    return new FailedCall(new Failure.Malformed(what, cause, rateLimits));
  }

  public Failure failure() {
    return failure;
  }
}

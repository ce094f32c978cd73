package io.promptyard.providers.http;

import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimits;
import io.promptyard.schemas.ErrorCode;
import java.io.IOException;
import java.time.Duration;

/**
 * An adapter's judgement of one failed call before it becomes a {@link ProviderException}: the code, whether
 * retrying can help, the provider's status, and what the provider said (in words that may still hold a key,
 * redacted when the exception is made).
 */
public record Verdict(ErrorCode code, boolean retryable, Integer status, String said, RateLimits rateLimits) {

  /** The same verdict with another provider status (an error event inside a 200 stream, say). */
  public Verdict withStatus(Integer newStatus) {
    return new Verdict(code, retryable, newStatus, said, rateLimits);
  }

  /**
   * The verdict on a failure that says nothing provider-specific — no connection, a timeout, an unreadable or
   * oversized answer, a request the adapter cannot send, no key left, an interrupted thread — which every adapter
   * classifies the same way.
   *
   * @throws IllegalArgumentException for a provider's own answer (a status or a stream error), which only the
   *     adapter can read
   */
  public static Verdict ofTransport(Failure failure) {
    return switch (failure) {
      case Failure.Transport t -> new Verdict(ErrorCode.CONNECTION, true, null, "could not be reached or dropped the connection: "
          + describe(t.cause()), null);
      case Failure.TimedOut t -> new Verdict(ErrorCode.TIMEOUT, true, null, "timed out: " + t.what(), null);
      case Failure.Malformed m -> new Verdict(ErrorCode.MALFORMED_RESPONSE, true, 200, "sent an answer that cannot be read: "
          + m.what(), m.rateLimits());
      // the same endpoint sends the same answer again: retrying would only read it again
      case Failure.TooLarge t -> new Verdict(ErrorCode.MALFORMED_RESPONSE, false, null, "sent an answer larger than "
          + t.limitBytes() + " bytes, the most Promptyard reads from it (catalog option maxResponseBytes)", null);
      case Failure.Unsendable u -> new Verdict(ErrorCode.INVALID_REQUEST, false, null, "cannot take this request: " + u.what(), null);
      case Failure.NoKey n -> new Verdict(ErrorCode.AUTHENTICATION, false, null,
          "has no API key left: every configured key was refused or none is set", null);
      case Failure.Interrupted i -> new Verdict(ErrorCode.INTERNAL, true, null, "call was abandoned: the thread was interrupted", null);
      case Failure.Status s -> throw new IllegalArgumentException("a provider's answer is the adapter's to classify");
      case Failure.StreamError s -> throw new IllegalArgumentException("a provider's answer is the adapter's to classify");
    };
  }

  /**
   * The exception for this verdict: request id, provider, what it said (keys redacted), any Retry-After, the
   * code and whether it is retryable, and for a failure retrying will not cure, {@code hint} on what to do.
   */
  public ProviderException toException(Failure failure, String provider, String requestId, ApiKeyPool keys, String hint) {
    Duration retryAfter = rateLimits == null ? null : rateLimits.retryAfter();
    String message = "request " + requestId + ": provider " + provider + " " + keys.redact(said)
        + (retryAfter == null ? "" : "; asked to retry after " + retryAfter.toMillis() + " ms")
        + " [" + code + (retryable ? ", retryable" : ", not retryable" + hint) + "]";
    return new ProviderException(code, retryable, status, message, rateLimits, cause(failure));
  }

  private static Throwable cause(Failure failure) {
    return switch (failure) {
      case Failure.Transport t -> t.cause();
      case Failure.TimedOut t -> t.cause();
      case Failure.Malformed m -> m.cause();
      default -> null;
    };
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " (" + m + ")");
  }
}

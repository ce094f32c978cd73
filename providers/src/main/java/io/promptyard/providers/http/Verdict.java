package io.promptyard.providers.http;

import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimits;
import io.promptyard.schemas.ErrorCode;
import java.time.Duration;

/**
 * An adapter's judgement of one failed call before it becomes a {@link ProviderException}: the
 * code, whether retrying can help, the provider's status, and what the provider said (in words that
 * may still hold a key, redacted when the exception is made).
 */
public record Verdict(
    ErrorCode code, boolean retryable, Integer status, String said, RateLimits rateLimits) {

  /** The most characters of a provider's message that go into an exception message. */
  private static final int MAX_MESSAGE = 500;

  /**
   * The verdict on a failure with no answer from the provider to go by: no status, no rate limits.
   */
  public static Verdict withoutAnswer(ErrorCode code, boolean retryable, String said) {
    return new Verdict(code, retryable, null, said, null);
  }

  /** The same verdict with another provider status (an error event inside a 200 stream, say). */
  public Verdict withStatus(Integer newStatus) {
    return new Verdict(code, retryable, newStatus, said, rateLimits);
  }

  /**
   * The verdict on a failure that says nothing provider-specific — no connection, a timeout, an
   * unreadable or oversized answer, a request the adapter cannot send, no key left, an interrupted
   * thread — which every adapter classifies the same way.
   *
   * @throws IllegalArgumentException for a provider's own answer (a status or a stream error),
   *     which only the adapter can read
   */
  public static Verdict ofTransport(Failure failure) {
    return switch (failure) {
      case Failure.Transport t ->
          withoutAnswer(
              ErrorCode.CONNECTION,
              true,
              "could not be reached or dropped the connection: " + describe(t.cause()));
      case Failure.TimedOut t -> withoutAnswer(ErrorCode.TIMEOUT, true, "timed out: " + t.what());
      case Failure.Malformed m ->
          new Verdict(
              ErrorCode.MALFORMED_RESPONSE,
              true,
              200,
              "sent an answer that cannot be read: " + m.what(),
              m.rateLimits());
      // the same endpoint sends the same answer again: retrying would only read it again
      case Failure.TooLarge t ->
          withoutAnswer(
              ErrorCode.MALFORMED_RESPONSE,
              false,
              "sent an answer larger than "
                  + t.limitBytes()
                  + " bytes, the most Promptyard reads from it (catalog option maxResponseBytes)");
      case Failure.Unsendable u ->
          withoutAnswer(ErrorCode.INVALID_REQUEST, false, "cannot take this request: " + u.what());
      case Failure.NoKey n ->
          withoutAnswer(
              ErrorCode.AUTHENTICATION,
              false,
              "has no API key left: every configured key was refused or none is set");
      case Failure.Interrupted i ->
          withoutAnswer(ErrorCode.INTERNAL, true, "call was abandoned: the thread was interrupted");
      case Failure.Status s ->
          throw new IllegalArgumentException("a provider's answer is the adapter's to classify");
      case Failure.StreamError s ->
          throw new IllegalArgumentException("a provider's answer is the adapter's to classify");
    };
  }

  /**
   * The verdict on an HTTP status alone, in the meaning most providers give it; an adapter reads
   * its provider's error types, and the statuses it uses in its own way, before falling back on
   * this.
   */
  public static Verdict ofStatus(int status, String said, RateLimits limits) {
    return switch (status) {
      case 401 -> new Verdict(ErrorCode.AUTHENTICATION, false, status, said, limits);
      case 403 -> new Verdict(ErrorCode.PERMISSION_DENIED, false, status, said, limits);
      // On a chat endpoint the only resource that can be missing is the model.
      case 404 -> new Verdict(ErrorCode.MODEL_NOT_FOUND, false, status, said, limits);
      case 408 -> new Verdict(ErrorCode.TIMEOUT, true, status, said, limits);
      case 429 -> new Verdict(ErrorCode.RATE_LIMITED, true, status, said, limits);
      case 503 -> new Verdict(ErrorCode.OVERLOADED, true, status, said, limits);
      default ->
          status >= 500
              ? new Verdict(ErrorCode.PROVIDER_ERROR, true, status, said, limits)
              : new Verdict(ErrorCode.INVALID_REQUEST, false, status, said, limits);
    };
  }

  /**
   * The exception for this verdict: request id, provider, what it said (keys redacted), any
   * Retry-After, the code and whether it is retryable, and for a failure retrying will not cure,
   * {@code hint} on what to do.
   */
  public ProviderException toException(
      Failure failure, String provider, String requestId, ApiKeyPool keys, String hint) {
    return toException(provider, requestId, keys, hint, cause(failure));
  }

  /**
   * The exception for this verdict, as {@link #toException(Failure, String, String, ApiKeyPool,
   * String)}, with its cause.
   */
  public ProviderException toException(
      String provider, String requestId, ApiKeyPool keys, String hint, Throwable cause) {
    Duration retryAfter = rateLimits == null ? null : rateLimits.retryAfter();
    String message =
        "request "
            + requestId
            + ": provider "
            + provider
            + " "
            + keys.redact(said)
            + (retryAfter == null ? "" : "; asked to retry after " + retryAfter.toMillis() + " ms")
            + " ["
            + code
            + (retryable ? ", retryable" : ", not retryable" + hint)
            + "]";
    return new ProviderException(code, retryable, status, message, rateLimits, cause);
  }

  /**
   * What an operator or the caller can do about a failure with {@code code} that retrying will not
   * cure, in the words every adapter shares; "" for a code without a hint. An adapter words its own
   * where its accounts, credentials or model lists differ, and always for PERMISSION_DENIED, whose
   * remedy lies in each provider's own account settings; it falls back on these for the rest.
   */
  public static String hint(ErrorCode code, String provider) {
    return switch (code) {
      case INVALID_REQUEST -> ": fix the request";
      case CONTEXT_TOO_LONG ->
          ": shorten the messages, lower max_tokens or pick a model with a larger context window";
      case CONTENT_POLICY -> ": the provider refuses this content";
      case AUTHENTICATION -> ": check the API keys configured for provider " + provider;
      case MODEL_NOT_FOUND ->
          ": check the model id in the catalog against the provider's model list";
      default -> "";
    };
  }

  /**
   * What a provider said, for {@link #said()}: {@code " (label): message"}, the message on one line
   * and cut at 500 characters; either part is left out when null or blank.
   */
  public static String quote(String label, String message) {
    String text = message == null || message.isBlank() ? "" : ": " + shorten(message);
    return (label == null ? "" : " (" + label + ")") + text;
  }

  /** A throwable as its simple class name and its message, shortened as {@link #quote} shortens. */
  public static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " (" + shorten(m) + ")");
  }

  private static String shorten(String text) {
    String t = text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "…" : text;
    return t.replaceAll("\\s+", " ");
  }

  private static Throwable cause(Failure failure) {
    return switch (failure) {
      case Failure.Transport t -> t.cause();
      case Failure.TimedOut t -> t.cause();
      case Failure.Malformed m -> m.cause();
      default -> null;
    };
  }
}

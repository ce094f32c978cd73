package io.promptyard.providers.http;

import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.ProviderException;
import io.promptyard.schemas.ErrorCode;
import java.util.Map;
import java.util.Optional;

/**
 * How one JSON-over-HTTP adapter reads its provider's failed answers. What only the adapter can
 * read — an HTTP error answer, an error inside a 200 answer or stream — it judges here; every other
 * failure is judged alike ({@link Verdict#ofTransport}), and {@link #classify} makes the one {@link
 * ProviderException} of either.
 */
public interface ErrorClassifier {

  /** The verdict on an answer with an error status. */
  Verdict status(Failure.Status failure);

  /** The verdict on an error the provider sent inside a 200 answer or its event stream. */
  Verdict streamError(Failure.StreamError failure);

  /**
   * What to check in this provider's own settings when it denies permission, whose remedy lies
   * there: "account's model access, region, quota and billing" makes the hint "check the ‹provider›
   * account's model access, region, quota and billing".
   */
  String permissionChecks();

  /**
   * This provider's own words on what to do about a failure retrying will not cure, by code, where
   * they differ from {@link Verdict#hint}'s; the default has none.
   */
  default Map<ErrorCode, String> hints() {
    return Map.of();
  }

  /**
   * The error type or code the provider's error {@code body} names, for the key pool's log when a
   * key is refused; null when there is none. The default reads none.
   */
  default String errorName(String body) {
    return null;
  }

  /**
   * Why a failed answer means the key itself is refused (for {@link JsonWire#refusingKeys}); the
   * default: HTTP 401 and 403, named by {@link #errorName}.
   */
  default Optional<String> refusesKey(Failure.Status failure) {
    return HttpChatCall.refusedBy401Or403(failure, this::errorName);
  }

  /**
   * Whether a failed answer says the account is out of quota or credit, which waiting does not cure
   * (OpenAI's {@code insufficient_quota}, a 402): the key check reports it apart from a refused
   * key. The default: never.
   */
  default boolean quotaExhausted(Failure.Status failure) {
    return false;
  }

  /** The one place where a failed call becomes a code, a retryable flag and a message. */
  default ProviderException classify(
      Failure failure, String provider, String requestId, ApiKeyPool keys) {
    Verdict v =
        switch (failure) {
          case Failure.Status s -> status(s);
          case Failure.StreamError s -> streamError(s);
          default -> Verdict.ofTransport(failure);
        };
    return v.toException(
        failure, provider, requestId, keys, v.retryable() ? "" : hint(v.code(), provider));
  }

  private String hint(ErrorCode code, String provider) {
    return code == ErrorCode.PERMISSION_DENIED
        ? ": check the " + provider + " " + permissionChecks()
        : hints().getOrDefault(code, Verdict.hint(code, provider));
  }
}

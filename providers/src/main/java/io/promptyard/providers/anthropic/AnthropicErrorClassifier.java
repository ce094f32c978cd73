package io.promptyard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimits;
import io.promptyard.providers.http.ErrorBody;
import io.promptyard.providers.http.ErrorClassifier;
import io.promptyard.providers.http.Failure;
import io.promptyard.providers.http.Verdict;
import io.promptyard.schemas.ErrorCode;
import java.util.Locale;

/**
 * Turns every {@link Failure} of a Messages API call into one {@link ProviderException}: a code
 * from the closed list, whether retrying can help, and a message with the request id, Anthropic's
 * own words (redacted) and its request id. Statuses and error types follow
 * https://docs.claude.com/en/api/errors.
 */
enum AnthropicErrorClassifier implements ErrorClassifier {
  INSTANCE;

  @Override
  public Verdict status(Failure.Status s) {
    ProviderError e = ProviderError.parse(s.body());
    return verdict(
        s.status(), e, s.status(), "answered HTTP " + s.status() + e.describe(), s.rateLimits());
  }

  @Override
  public Verdict streamError(Failure.StreamError s) {
    // An error event after the 200 headers, e.g. overloaded_error mid-stream: classified as the
    // status the same error type has outside a stream
    // (https://docs.claude.com/en/docs/build-with-claude/streaming#error-events).
    ProviderError e = ProviderError.parse(s.body());
    return verdict(
        e.equivalentStatus(),
        e,
        200,
        "sent an error event in the stream" + e.describe(),
        s.rateLimits());
  }

  @Override
  public String permissionChecks() {
    return "account's model access, credit balance and spend limits";
  }

  @Override
  public boolean quotaExhausted(Failure.Status s) {
    return outOfCredit(s.status(), ProviderError.parse(s.body()));
  }

  /** An empty credit balance or a reached spend limit, whatever the status it came with. */
  private static boolean outOfCredit(int status, ProviderError e) {
    return status == 402 || e.is("billing_error") || e.saysOutOfCredit();
  }

  @Override
  public String errorName(String body) {
    return ProviderError.parse(body).type();
  }

  /**
   * @param status the HTTP status, or for a stream error the status its error type stands for
   * @param reported the status to report as the provider's
   */
  private static Verdict verdict(
      int status, ProviderError e, Integer reported, String said, RateLimits limits) {
    if (status == 413 || e.is("request_too_large") || e.saysPromptTooLong()) {
      return new Verdict(ErrorCode.CONTEXT_TOO_LONG, false, reported, said, limits);
    }
    if (e.saysContentFiltered()) {
      return new Verdict(ErrorCode.CONTENT_POLICY, false, reported, said, limits);
    }
    if (outOfCredit(status, e)) {
      // Waiting does not cure an empty balance or a reached spend limit, even when it comes as a
      // 429: send the job
      // to fallback or dead letter at once, and tell the operator the account needs attention.
      return new Verdict(ErrorCode.PERMISSION_DENIED, false, reported, said, limits);
    }
    return switch (status) {
      case 409 -> new Verdict(ErrorCode.PROVIDER_ERROR, true, reported, said, limits);
      case 504 -> new Verdict(ErrorCode.TIMEOUT, true, reported, said, limits);
      // 529 overloaded_error: Anthropic as a whole is short of capacity, not this account over its
      // limits.
      case 529 -> new Verdict(ErrorCode.OVERLOADED, true, reported, said, limits);
      default -> Verdict.ofStatus(status, said, limits).withStatus(reported);
    };
  }

  /**
   * Anthropic's error body {@code {"type":"error","error":{"type","message"},"request_id"}}; a
   * proxy in front of the API may send anything else, in which case the raw body is the message.
   */
  record ProviderError(String type, String message, String detailCode, String anthropicRequestId) {

    static ProviderError parse(String body) {
      return ErrorBody.read(
          body, ProviderError::read, raw -> new ProviderError(null, raw, null, null));
    }

    private static ProviderError read(JsonNode root) {
      JsonNode error = root.path("error");
      return error.isObject()
          ? new ProviderError(
              ErrorBody.text(error.path("type")),
              ErrorBody.text(error.path("message")),
              ErrorBody.text(error.path("details").path("error_code")),
              ErrorBody.text(root.path("request_id")))
          : null;
    }

    boolean is(String errorType) {
      return errorType.equals(type);
    }

    /** The HTTP status Anthropic uses for this error type outside a stream. */
    int equivalentStatus() {
      return switch (type == null ? "" : type) {
        case "invalid_request_error" -> 400;
        case "authentication_error" -> 401;
        case "billing_error" -> 402;
        case "permission_error" -> 403;
        case "not_found_error" -> 404;
        case "request_too_large" -> 413;
        case "rate_limit_error" -> 429;
        case "overloaded_error" -> 529;
        default -> 500;
      };
    }

    // The 400 invalid_request_error for a prompt over the context window says "prompt is too long:
    // 208310 tokens >
    // 200000 maximum"; input plus max_tokens over the window says "input length and `max_tokens`
    // exceed context limit".
    boolean saysPromptTooLong() {
      String m = lower(message);
      return (type == null || is("invalid_request_error"))
          && (m.contains("prompt is too long")
              || m.contains("exceed context limit")
              || m.contains("context window"));
    }

    // "Output blocked by content filtering policy", a 400 invalid_request_error.
    boolean saysContentFiltered() {
      return lower(message).contains("content filtering policy");
    }

    // "Your credit balance is too low to access the Anthropic API" (400) and the monthly spend
    // limit (429 with
    // error.details.error_code enforced_spend_limit_reached).
    boolean saysOutOfCredit() {
      String m = lower(message);
      return "enforced_spend_limit_reached".equals(detailCode)
          || m.contains("credit balance is too low")
          || m.contains("spend limit")
          || m.contains("usage limits");
    }

    private static String lower(String s) {
      return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    /**
     * " (type): message; Anthropic request id …", shortened, or "" when the provider said nothing.
     */
    String describe() {
      return Verdict.quote(type, message)
          + (anthropicRequestId == null ? "" : "; Anthropic request id " + anthropicRequestId);
    }
  }
}

package io.promptyard.providers.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimits;
import io.promptyard.providers.http.ErrorBody;
import io.promptyard.providers.http.ErrorClassifier;
import io.promptyard.providers.http.Failure;
import io.promptyard.providers.http.Verdict;
import io.promptyard.schemas.ErrorCode;
import java.util.Locale;
import java.util.Map;

/**
 * Turns every {@link Failure} of a Cohere call into one {@link ProviderException}: a code from the
 * closed list, whether retrying can help, and a message with the request id and Cohere's own words,
 * redacted. Statuses follow https://docs.cohere.com/reference/errors and the responses of
 * https://docs.cohere.com/reference/chat (400, 401, 402, 403, 404, 422, 429, 498, 499, 500, 501,
 * 503, 504).
 */
enum CohereErrorClassifier implements ErrorClassifier {
  INSTANCE;

  @Override
  public Verdict status(Failure.Status s) {
    CohereError e = CohereError.parse(s.body());
    int status = s.status();
    String said = "answered HTTP " + status + e.describe();
    RateLimits limits = s.rateLimits();
    // Cohere words every token-limit refusal "too many tokens: …" (prompt over the context window,
    // or max_tokens over the model's output limit):
    // https://docs.cohere.com/reference/errors#400---bad-request
    if ((status == 400 || status == 422) && e.startsWith("too many tokens")) {
      return new Verdict(ErrorCode.CONTEXT_TOO_LONG, false, status, said, limits);
    }
    return switch (status) {
      // 402: the account or this key reached its billing limit; waiting does not cure it (the cap
      // resets monthly).
      case 402 -> new Verdict(ErrorCode.PERMISSION_DENIED, false, status, said, limits);
      // 498 is not about the API key: "the request is blocked due to potential violations of the
      // Usage Guidelines" / "a request or response contains a deny-listed token"
      // (cohere-openapi.yaml InvalidToken).
      case 498 -> new Verdict(ErrorCode.CONTENT_POLICY, false, status, said, limits);
      // 499: the request was cancelled on the way (Cohere: "try the request again").
      case 499 -> new Verdict(ErrorCode.CONNECTION, true, status, said, limits);
      // 501: the feature is not implemented (for this model); retrying cannot help.
      case 501 -> new Verdict(ErrorCode.INVALID_REQUEST, false, status, said, limits);
      case 504 -> new Verdict(ErrorCode.TIMEOUT, true, status, said, limits);
      default -> Verdict.ofStatus(status, said, limits);
    };
  }

  @Override
  public Verdict streamError(Failure.StreamError s) {
    // A 200 answer whose generation failed: finish_reason ERROR or TIMEOUT, or an error in
    // message-end.
    CohereError e = CohereError.parse(s.body());
    String said = "reported a failed generation" + e.describe();
    return "TIMEOUT".equalsIgnoreCase(e.finishReason())
        ? new Verdict(ErrorCode.TIMEOUT, true, 200, said, s.rateLimits())
        : new Verdict(ErrorCode.PROVIDER_ERROR, true, 200, said, s.rateLimits());
  }

  // 402: the account or this key reached its billing limit.
  @Override
  public boolean quotaExhausted(Failure.Status s) {
    return s.status() == 402;
  }

  @Override
  public String permissionChecks() {
    return "account's model access, billing limit and payment method";
  }

  @Override
  public Map<ErrorCode, String> hints() {
    return Map.of(
        ErrorCode.CONTENT_POLICY,
        ": Cohere refuses this content",
        ErrorCode.MODEL_NOT_FOUND,
        ": check the model id in the catalog against Cohere's model list");
  }

  /**
   * Cohere's error body {@code {"id": "...", "message": "..."}} (older answers carry only {@code
   * message}), or a failed generation's {@code finish_reason} and {@code delta.error}; anything
   * else is kept raw.
   */
  record CohereError(String message, String id, String finishReason) {

    static CohereError parse(String body) {
      return ErrorBody.read(body, CohereError::read, raw -> new CohereError(raw, null, null));
    }

    private static CohereError read(JsonNode root) {
      if (!root.isObject()) {
        return null;
      }
      JsonNode delta = root.path("delta");
      String finish =
          ErrorBody.text(
              root.has("finish_reason") ? root.path("finish_reason") : delta.path("finish_reason"));
      String message = ErrorBody.text(root.path("message"));
      if (message == null) {
        message = ErrorBody.text(delta.path("error"));
      }
      return new CohereError(message, ErrorBody.text(root.path("id")), finish);
    }

    boolean startsWith(String prefix) {
      return message != null && message.strip().toLowerCase(Locale.ROOT).startsWith(prefix);
    }

    /** " (finish reason): message [Cohere id]", shortened, or "" when Cohere said nothing. */
    String describe() {
      return Verdict.quote(finishReason, message) + (id == null ? "" : " [Cohere id " + id + "]");
    }
  }
}

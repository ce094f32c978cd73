package io.promptyard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimitHeaders;
import io.promptyard.providers.RateLimits;
import io.promptyard.providers.http.ErrorBody;
import io.promptyard.providers.http.ErrorClassifier;
import io.promptyard.providers.http.Failure;
import io.promptyard.providers.http.Verdict;
import io.promptyard.schemas.ErrorCode;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns every {@link Failure} of a Gemini call into one {@link ProviderException}. Gemini answers
 * errors as Google APIs do, {@code {"error":{"code","message","status","details":[…]}}}, with the
 * statuses listed at https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes; a blocked
 * prompt is a 200 answer with {@code promptFeedback.blockReason}
 * (https://ai.google.dev/api/generate-content#PromptFeedback), which the adapter hands here as a
 * {@link Failure.StreamError}.
 */
enum GeminiErrorClassifier implements ErrorClassifier {
  INSTANCE;

  // "The input token count (1300000) exceeds the maximum number of tokens allowed (1048575)."
  private static final Pattern CONTEXT_TOO_LONG =
      Pattern.compile(
          "(?i)(input token count.*exceeds|exceeds the maximum number of tokens|prompt is too long|context window)");

  @Override
  public Verdict status(Failure.Status s) {
    GoogleError e = GoogleError.parse(s.body());
    return byStatus(
        s.status(),
        e,
        "answered HTTP " + s.status() + e.describe(),
        withRetryDelay(s.rateLimits(), e));
  }

  @Override
  public Verdict streamError(Failure.StreamError s) {
    GoogleError e = GoogleError.parse(s.body());
    String blockReason = blockReason(s.body());
    if (blockReason != null) {
      return new Verdict(
          ErrorCode.CONTENT_POLICY,
          false,
          200,
          "blocked the prompt (promptFeedback.blockReason " + blockReason + ")",
          s.rateLimits());
    }
    int code = e.code() == null ? 500 : e.code();
    return byStatus(
            code,
            e,
            "sent an error in the stream" + e.describe(),
            withRetryDelay(s.rateLimits(), e))
        .withStatus(200);
  }

  @Override
  public String permissionChecks() {
    return "project's API access, region, quota and billing";
  }

  // RESOURCE_EXHAUSTED is Google's status for a spent quota, per minute or per day
  // (https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes); a models-list request,
  // which spends next to nothing, meets it only when the project's quota is gone.
  @Override
  public boolean quotaExhausted(Failure.Status s) {
    return GoogleError.parse(s.body()).is("RESOURCE_EXHAUSTED");
  }

  // Google answers a bad key with a 400 whose reason is API_KEY_INVALID, not only with 401/403.
  @Override
  public Optional<String> refusesKey(Failure.Status s) {
    GoogleError e = GoogleError.parse(s.body());
    if (s.status() != 401 && s.status() != 403 && !e.keyInvalid()) {
      return Optional.empty();
    }
    String why = e.reason() != null ? e.reason() : e.status();
    return Optional.of("HTTP " + s.status() + (why == null ? "" : " " + why));
  }

  private static Verdict byStatus(int status, GoogleError e, String said, RateLimits limits) {
    if (e.keyInvalid() || status == 401 || e.is("UNAUTHENTICATED")) {
      // Gemini answers a wrong key with 400 INVALID_ARGUMENT and reason API_KEY_INVALID, not 401.
      return new Verdict(ErrorCode.AUTHENTICATION, false, status, said, limits);
    }
    if (status == 413 || (e.message() != null && CONTEXT_TOO_LONG.matcher(e.message()).find())) {
      return new Verdict(ErrorCode.CONTEXT_TOO_LONG, false, status, said, limits);
    }
    if (status == 403 || e.is("PERMISSION_DENIED") || e.is("FAILED_PRECONDITION")) {
      // FAILED_PRECONDITION: "free tier is not available in your country, enable billing" — the
      // account, not the request, needs attention, and retrying will not help.
      return new Verdict(ErrorCode.PERMISSION_DENIED, false, status, said, limits);
    }
    if (status == 404 || e.is("NOT_FOUND")) {
      return new Verdict(ErrorCode.MODEL_NOT_FOUND, false, status, said, limits);
    }
    if (status == 429 || e.is("RESOURCE_EXHAUSTED")) {
      return new Verdict(ErrorCode.RATE_LIMITED, true, status, said, limits);
    }
    if (status == 503 || e.is("UNAVAILABLE")) {
      return new Verdict(ErrorCode.OVERLOADED, true, status, said, limits);
    }
    if (status == 504 || status == 408 || e.is("DEADLINE_EXCEEDED")) {
      return new Verdict(ErrorCode.TIMEOUT, true, status, said, limits);
    }
    if (status >= 500 || e.is("INTERNAL")) {
      return new Verdict(ErrorCode.PROVIDER_ERROR, true, status, said, limits);
    }
    return new Verdict(ErrorCode.INVALID_REQUEST, false, status, said, limits);
  }

  /**
   * Gemini sends no Retry-After header on 429; its wait is in the body's {@code
   * RetryInfo.retryDelay}, e.g. "7s".
   */
  private static RateLimits withRetryDelay(RateLimits limits, GoogleError e) {
    RateLimits l = limits == null ? RateLimits.UNKNOWN : limits;
    if (l.retryAfter() != null || e.retryDelay() == null) {
      return l;
    }
    return new RateLimits(
        l.limitRequests(),
        l.remainingRequests(),
        l.resetRequests(),
        l.limitTokens(),
        l.remainingTokens(),
        l.resetTokens(),
        e.retryDelay());
  }

  private static String blockReason(String body) {
    return ErrorBody.read(
        body,
        root -> {
          JsonNode reason = root.path("promptFeedback").path("blockReason");
          return reason.isTextual() ? reason.asText() : null;
        },
        raw -> null);
  }

  /**
   * Google's error object (https://cloud.google.com/apis/design/errors#http_mapping): the numeric
   * code, the canonical status name, the message, the {@code ErrorInfo.reason} and the {@code
   * RetryInfo.retryDelay} from its details. A body that is not this shape (a proxy's HTML page)
   * becomes the message as it is.
   */
  record GoogleError(
      Integer code, String status, String message, String reason, Duration retryDelay) {

    static GoogleError parse(String body) {
      return ErrorBody.read(
          body, GoogleError::read, raw -> new GoogleError(null, null, raw, null, null));
    }

    private static GoogleError read(JsonNode root) {
      // streamGenerateContent without alt=sse wraps answers in an array; errors may arrive that
      // way too
      JsonNode error = (root.isArray() ? root.path(0) : root).path("error");
      if (!error.isObject()) {
        return null;
      }
      String reason = null;
      Duration delay = null;
      for (JsonNode d : error.path("details")) {
        if (reason == null && d.path("reason").isTextual()) {
          reason = d.path("reason").asText();
        }
        if (delay == null && d.path("retryDelay").isTextual()) {
          delay = RateLimitHeaders.duration(d.path("retryDelay").asText());
        }
      }
      return new GoogleError(
          error.path("code").isInt() ? error.path("code").asInt() : null,
          text(error.path("status")),
          text(error.path("message")),
          reason,
          delay);
    }

    private static String text(JsonNode n) {
      return n.isTextual() ? n.asText() : null;
    }

    boolean is(String canonicalStatus) {
      return canonicalStatus.equalsIgnoreCase(status == null ? "" : status);
    }

    boolean keyInvalid() {
      return reason != null && reason.toUpperCase(Locale.ROOT).startsWith("API_KEY_INVALID")
          || message != null && message.startsWith("API key not valid")
          || "API_KEY_EXPIRED".equals(reason);
    }

    /** " (STATUS, REASON): message", shortened, or "" when the provider said nothing. */
    String describe() {
      String label = status == null ? reason : reason == null ? status : status + ", " + reason;
      return Verdict.quote(label, message);
    }
  }
}

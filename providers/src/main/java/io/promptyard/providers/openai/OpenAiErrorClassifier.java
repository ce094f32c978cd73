package io.promptyard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.http.ErrorBody;
import io.promptyard.providers.http.ErrorClassifier;
import io.promptyard.providers.http.Failure;
import io.promptyard.providers.http.Verdict;
import io.promptyard.schemas.ErrorCode;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns every {@link Failure} of an OpenAI-compatible call into one {@link ProviderException}: a
 * code from the closed list, whether retrying can help, and a message with the request id and the
 * provider's own words, redacted. Statuses and error codes follow
 * https://platform.openai.com/docs/guides/error-codes.
 */
enum OpenAiErrorClassifier implements ErrorClassifier {
  INSTANCE;

  // Azure OpenAI answers "content_filter"; OpenAI's own API "content_policy_violation".
  private static final Pattern CONTEXT_WORDS =
      Pattern.compile(
          "(?i)maximum context length|context length exceeded|exceeds? the context window");
  private static final Set<String> CONTENT_POLICY_CODES =
      Set.of("content_filter", "content_policy_violation");

  @Override
  public Verdict status(Failure.Status s) {
    ProviderError e = ProviderError.parse(s.body());
    int status = s.status();
    String said = "answered HTTP " + status + e.describe();
    if (status == 413
        || e.is("context_length_exceeded")
        || (status == 400 && e.saysContextTooLong())) {
      return new Verdict(ErrorCode.CONTEXT_TOO_LONG, false, status, said, s.rateLimits());
    } else if (e.isAny(CONTENT_POLICY_CODES)) {
      return new Verdict(ErrorCode.CONTENT_POLICY, false, status, said, s.rateLimits());
    } else if (e.is("insufficient_quota")) {
      // A 429 that waiting does not cure: the account is out of credit or over its monthly
      // spend limit. PERMISSION_DENIED (not PROVIDER_ERROR, which downstream retries) sends
      // the job to fallback or dead letter at once, and tells the operator the account, not
      // the request, needs attention.
      return new Verdict(ErrorCode.PERMISSION_DENIED, false, status, said, s.rateLimits());
    } else if (status == 404 || e.is("model_not_found") || e.is("deploymentnotfound")) {
      return new Verdict(ErrorCode.MODEL_NOT_FOUND, false, status, said, s.rateLimits());
    }
    return switch (status) {
      // OpenAI's own SDKs retry 409 (a lock timeout on their side).
      case 409 -> new Verdict(ErrorCode.PROVIDER_ERROR, true, status, said, s.rateLimits());
      // 529 is Anthropic's "overloaded", which some OpenAI-compatible gateways pass
      // through.
      case 529 -> new Verdict(ErrorCode.OVERLOADED, true, status, said, s.rateLimits());
      // Groq's flex tier answers 498 capacity_exceeded when it is full:
      // https://console.groq.com/docs/flex-processing
      case 498 -> new Verdict(ErrorCode.OVERLOADED, true, status, said, s.rateLimits());
      default -> Verdict.ofStatus(status, said, s.rateLimits());
    };
  }

  @Override
  public Verdict streamError(Failure.StreamError s) {
    // An error event inside a 200 stream:
    // https://platform.openai.com/docs/api-reference/chat-streaming
    ProviderError e = ProviderError.parse(s.body());
    String said = "sent an error in the stream" + e.describe();
    if (e.is("context_length_exceeded")) {
      return new Verdict(ErrorCode.CONTEXT_TOO_LONG, false, 200, said, s.rateLimits());
    } else if (e.isAny(CONTENT_POLICY_CODES)) {
      return new Verdict(ErrorCode.CONTENT_POLICY, false, 200, said, s.rateLimits());
    } else if (e.is("rate_limit_exceeded")) {
      return new Verdict(ErrorCode.RATE_LIMITED, true, 200, said, s.rateLimits());
    }
    return new Verdict(ErrorCode.PROVIDER_ERROR, true, 200, said, s.rateLimits());
  }

  @Override
  public String permissionChecks() {
    return "account's model access, region, quota and billing";
  }

  @Override
  public Map<ErrorCode, String> hints() {
    return Map.of(
        ErrorCode.MODEL_NOT_FOUND,
        ": check the model id in the catalog against the provider's model list (on Azure OpenAI, the"
            + " deployment name: option deployment.<modelId> maps a model id to another deployment)");
  }

  @Override
  public boolean quotaExhausted(Failure.Status s) {
    return ProviderError.parse(s.body()).is("insufficient_quota");
  }

  @Override
  public String errorName(String body) {
    return ProviderError.parse(body).code();
  }

  /**
   * OpenAI's error body {@code {"error":{"message","type","param","code"}}}; compatible servers
   * sometimes send {@code {"error":"text"}} or no JSON at all, in which case the raw body is the
   * message.
   */
  record ProviderError(String message, String type, String code) {

    static ProviderError parse(String body) {
      return ErrorBody.read(body, ProviderError::read, raw -> new ProviderError(raw, null, null));
    }

    private static ProviderError read(JsonNode root) {
      JsonNode error = root.path("error");
      if (error.isObject()) {
        return new ProviderError(
            ErrorBody.text(error.path("message")),
            ErrorBody.text(error.path("type")),
            ErrorBody.text(error.path("code")));
      }
      if (error.isTextual()) {
        return new ProviderError(error.asText(), null, null);
      }
      JsonNode plain =
          root.path("message").isTextual() ? root.path("message") : root.path("detail");
      return plain.isTextual() ? new ProviderError(plain.asText(), null, null) : null;
    }

    boolean is(String value) {
      return value.equals(lower(code)) || value.equals(lower(type));
    }

    /**
     * Servers without error codes (vLLM, LiteLLM, llama.cpp) say it only in words, OpenAI's words:
     * "This model's maximum context length is 4096 tokens. However, you requested …".
     */
    boolean saysContextTooLong() {
      return message != null && CONTEXT_WORDS.matcher(message).find();
    }

    boolean isAny(Set<String> values) {
      return values.contains(lower(code)) || values.contains(lower(type));
    }

    private static String lower(String s) {
      return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    /** " (code): message", shortened, or "" when the provider said nothing. */
    String describe() {
      return Verdict.quote(code != null ? code : type, message);
    }
  }
}

package io.promptyard.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimits;
import io.promptyard.providers.http.Failure;
import io.promptyard.schemas.ErrorCode;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Scenario by scenario, the failures the conformance suite's documented errors do not already
 * cover.
 */
class AnthropicErrorClassifierTest {

  private static final ApiKeyPool KEYS =
      ApiKeyPool.of("anthropic", List.of("sk-ant-api03-secret-0123456789"));

  private static String body(String type, String message) {
    return "{\"type\":\"error\",\"error\":{\"type\":\""
        + type
        + "\",\"message\":\""
        + message
        + "\"}}";
  }

  @ParameterizedTest(name = "stream error {0} -> {2}")
  @CsvSource({
    "overloaded_error,      Overloaded,                                         OVERLOADED,       true",
    "rate_limit_error,      Number of request tokens has exceeded your limit,   RATE_LIMITED,     true",
    "api_error,             Internal server error,                              PROVIDER_ERROR,   true",
    "invalid_request_error, prompt is too long: 208310 tokens > 200000 maximum, CONTEXT_TOO_LONG, false",
    "invalid_request_error, Output blocked by content filtering policy,         CONTENT_POLICY,   false",
    "timeout_error,         Request timed out,                                  PROVIDER_ERROR,   true",
  })
  void errorEventInAStreamIsClassifiedLikeTheSameErrorOutsideOne(
      String type, String message, ErrorCode code, boolean retryable) {
    ProviderException e =
        AnthropicErrorClassifier.INSTANCE.classify(
            new Failure.StreamError(body(type, message), RateLimits.UNKNOWN),
            "anthropic",
            "req-7",
            KEYS);

    assertThat(e.code()).isEqualTo(code);
    assertThat(e.retryable()).isEqualTo(retryable);
    assertThat(e.providerStatus()).isEqualTo(200);
    assertThat(e.getMessage()).contains("req-7").contains(type);
  }

  @ParameterizedTest(name = "HTTP {0} -> {1}")
  @CsvSource({
    "402, PERMISSION_DENIED, false",
    "408, TIMEOUT,           true",
    "409, PROVIDER_ERROR,    true",
    "502, PROVIDER_ERROR,    true",
    "503, OVERLOADED,        true",
    "504, TIMEOUT,           true",
    "422, INVALID_REQUEST,   false",
  })
  void statusWithoutAnAnthropicBodyIsClassifiedByStatus(
      int status, ErrorCode code, boolean retryable) {
    ProviderException e =
        AnthropicErrorClassifier.INSTANCE.classify(
            new Failure.Status(status, "<html>Bad gateway</html>", RateLimits.UNKNOWN),
            "anthropic",
            "req-8",
            KEYS);

    assertThat(e.code()).isEqualTo(code);
    assertThat(e.retryable()).isEqualTo(retryable);
    assertThat(e.providerStatus()).isEqualTo(status);
    assertThat(e.getMessage()).contains("req-8").contains("HTTP " + status).contains("Bad gateway");
  }

  @org.junit.jupiter.api.Test
  void aKeyEchoedInAnErrorMessageIsRedacted() {
    ProviderException e =
        AnthropicErrorClassifier.INSTANCE.classify(
            new Failure.Status(
                401,
                body("authentication_error", "invalid x-api-key sk-ant-api03-secret-0123456789"),
                RateLimits.UNKNOWN),
            "anthropic",
            "req-9",
            KEYS);

    assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION);
    assertThat(e.getMessage()).doesNotContain("secret-0123456789").contains("[REDACTED]");
  }
}

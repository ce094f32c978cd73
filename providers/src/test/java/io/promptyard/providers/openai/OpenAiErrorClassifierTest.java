package io.promptyard.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.FailureScope;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimits;
import io.promptyard.providers.http.Exchange;
import io.promptyard.providers.http.Failure;
import io.promptyard.schemas.ErrorCode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The error mapping, one scenario per test, without HTTP. */
class OpenAiErrorClassifierTest {

  private static final String KEY = "sk-live-abcdefghijklmnop1234";
  private final ApiKeyPool keys = ApiKeyPool.of("openai", List.of(KEY));

  private ProviderException classify(Failure failure) {
    return OpenAiErrorClassifier.INSTANCE.classify(failure, "openai", "req-42", keys);
  }

  private ProviderException status(int status, String body) {
    return classify(new Failure.Status(status, body, RateLimits.UNKNOWN));
  }

  @Test
  void badRequestIsNonRetryableInvalidRequest() {
    ProviderException e = status(400, OpenAiFixtures.INVALID_REQUEST);

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.retryable()).isFalse();
    assertThat(e.providerStatus()).isEqualTo(400);
  }

  @Test
  void contextLengthExceededIsNonRetryableContextTooLong() {
    ProviderException e = status(400, OpenAiFixtures.CONTEXT_LENGTH_EXCEEDED);

    assertThat(e.code()).isEqualTo(ErrorCode.CONTEXT_TOO_LONG);
    assertThat(e.retryable()).isFalse();
  }

  @Test
  void contentPolicyViolationIsNonRetryableContentPolicy() {
    assertThat(status(400, OpenAiFixtures.CONTENT_POLICY_VIOLATION).code())
        .isEqualTo(ErrorCode.CONTENT_POLICY);
    assertThat(status(400, OpenAiFixtures.CONTENT_POLICY_VIOLATION).retryable()).isFalse();
  }

  @Test
  void azureContentFilterIsNonRetryableContentPolicy() {
    assertThat(status(400, OpenAiFixtures.CONTENT_FILTER).code())
        .isEqualTo(ErrorCode.CONTENT_POLICY);
    assertThat(status(400, OpenAiFixtures.CONTENT_FILTER).retryable()).isFalse();
  }

  @Test
  void unauthorizedIsNonRetryableAuthentication() {
    ProviderException e = status(401, OpenAiFixtures.INVALID_API_KEY);

    assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION);
    assertThat(e.retryable()).isFalse();
  }

  @Test
  void forbiddenIsNonRetryablePermissionDenied() {
    assertThat(status(403, OpenAiFixtures.UNSUPPORTED_COUNTRY).code())
        .isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(status(403, OpenAiFixtures.UNSUPPORTED_COUNTRY).retryable()).isFalse();
  }

  @Test
  void notFoundIsNonRetryableModelNotFound() {
    assertThat(status(404, OpenAiFixtures.MODEL_NOT_FOUND).code())
        .isEqualTo(ErrorCode.MODEL_NOT_FOUND);
    assertThat(status(404, "").code()).isEqualTo(ErrorCode.MODEL_NOT_FOUND);
    assertThat(status(404, OpenAiFixtures.MODEL_NOT_FOUND).retryable()).isFalse();
  }

  @Test
  void modelNotFoundCodeOnABadRequestIsModelNotFound() {
    assertThat(status(400, OpenAiFixtures.MODEL_NOT_FOUND).code())
        .isEqualTo(ErrorCode.MODEL_NOT_FOUND);
  }

  @Test
  void payloadTooLargeIsNonRetryableContextTooLong() {
    assertThat(status(413, "").code()).isEqualTo(ErrorCode.CONTEXT_TOO_LONG);
    assertThat(status(413, "").retryable()).isFalse();
  }

  @Test
  void tooManyRequestsIsRetryableRateLimited() {
    ProviderException e = status(429, OpenAiFixtures.RATE_LIMIT_EXCEEDED);

    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void insufficientQuotaIsNonRetryablePermissionDenied() {
    ProviderException e = status(429, OpenAiFixtures.INSUFFICIENT_QUOTA);

    assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("insufficient_quota", "billing");
  }

  @Test
  void revokedKeyQuotaAndCountryAreAccountFailuresAMissingDeploymentAModelOneABadRequestNeither() {
    assertThat(status(401, OpenAiFixtures.INVALID_API_KEY).scope()).isEqualTo(FailureScope.ACCOUNT);
    assertThat(status(429, OpenAiFixtures.INSUFFICIENT_QUOTA).scope())
        .isEqualTo(FailureScope.ACCOUNT);
    assertThat(status(403, OpenAiFixtures.UNSUPPORTED_COUNTRY).scope())
        .isEqualTo(FailureScope.ACCOUNT);
    assertThat(classify(new Failure.NoKey()).scope()).isEqualTo(FailureScope.ACCOUNT);
    assertThat(
            status(404, "{\"error\":{\"code\":\"DeploymentNotFound\",\"message\":\"gone\"}}")
                .scope())
        .isEqualTo(FailureScope.MODEL);
    assertThat(status(404, OpenAiFixtures.MODEL_NOT_FOUND).scope()).isEqualTo(FailureScope.MODEL);
    assertThat(status(400, OpenAiFixtures.INVALID_REQUEST).scope()).isEqualTo(FailureScope.REQUEST);
    assertThat(status(429, OpenAiFixtures.RATE_LIMIT_EXCEEDED).scope())
        .isEqualTo(FailureScope.CALL);
  }

  @Test
  void internalServerErrorAndBadGatewayAreRetryableProviderErrors() {
    for (int s : new int[] {500, 502}) {
      assertThat(status(s, OpenAiFixtures.SERVER_ERROR).code()).isEqualTo(ErrorCode.PROVIDER_ERROR);
      assertThat(status(s, OpenAiFixtures.SERVER_ERROR).retryable()).isTrue();
    }
  }

  @Test
  void serviceUnavailableAndOverloadedAreRetryableOverloaded() {
    for (int s : new int[] {503, 529}) {
      assertThat(status(s, OpenAiFixtures.OVERLOADED).code()).isEqualTo(ErrorCode.OVERLOADED);
      assertThat(status(s, OpenAiFixtures.OVERLOADED).retryable()).isTrue();
    }
  }

  @Test
  void otherServerErrorsAreRetryableProviderErrors() {
    assertThat(status(504, "").code()).isEqualTo(ErrorCode.PROVIDER_ERROR);
    assertThat(status(504, "").retryable()).isTrue();
    assertThat(status(520, "").retryable()).isTrue();
  }

  @Test
  void requestTimeoutIsRetryableTimeoutAndConflictIsRetryable() {
    assertThat(status(408, "").code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(status(408, "").retryable()).isTrue();
    assertThat(status(409, "").retryable()).isTrue();
  }

  @Test
  void otherClientErrorsAreNonRetryableInvalidRequests() {
    assertThat(status(422, "{\"detail\":\"unprocessable\"}").code())
        .isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(status(422, "{\"detail\":\"unprocessable\"}").getMessage())
        .contains("unprocessable");
    assertThat(status(418, "").retryable()).isFalse();
  }

  @Test
  void connectionRefusedIsRetryableConnection() {
    ProviderException e = classify(new Failure.Transport(new ConnectException()));

    assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION);
    assertThat(e.retryable()).isTrue();
    assertThat(e.providerStatus()).isNull();
    assertThat(e.getMessage()).contains("ConnectException");
  }

  @Test
  void connectionResetIsRetryableConnection() {
    ProviderException e = classify(new Failure.Transport(new SocketException("Connection reset")));

    assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION);
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void connectTimeoutIsRetryableTimeout() {
    Failure f =
        Exchange.transportFailure(new HttpConnectTimeoutException("HTTP connect timed out"));

    assertThat(classify(f).code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(classify(f).retryable()).isTrue();
  }

  @Test
  void otherIoFailuresOfTheClientAreConnectionFailures() {
    assertThat(
            Exchange.transportFailure(
                new java.util.concurrent.CompletionException(new IOException("EOF"))))
        .isInstanceOf(Failure.Transport.class);
  }

  @Test
  void unreadableSuccessIsRetryableMalformedResponse() {
    ProviderException e =
        classify(new Failure.Malformed("the body is not JSON", null, RateLimits.UNKNOWN));

    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void errorInsideAStreamIsRetryableProviderErrorUnlessItIsAboutTheRequest() {
    assertThat(classify(new Failure.StreamError(OpenAiFixtures.SERVER_ERROR, null)).code())
        .isEqualTo(ErrorCode.PROVIDER_ERROR);
    assertThat(classify(new Failure.StreamError(OpenAiFixtures.SERVER_ERROR, null)).retryable())
        .isTrue();
    assertThat(classify(new Failure.StreamError(OpenAiFixtures.CONTENT_FILTER, null)).code())
        .isEqualTo(ErrorCode.CONTENT_POLICY);
    assertThat(classify(new Failure.StreamError(OpenAiFixtures.CONTENT_FILTER, null)).retryable())
        .isFalse();
  }

  @Test
  void noKeyLeftIsNonRetryableAuthentication() {
    assertThat(classify(new Failure.NoKey()).code()).isEqualTo(ErrorCode.AUTHENTICATION);
    assertThat(classify(new Failure.NoKey()).retryable()).isFalse();
  }

  @Test
  void messageNamesRequestProviderStatusAndProviderMessage() {
    ProviderException e = status(400, OpenAiFixtures.CONTEXT_LENGTH_EXCEEDED);

    assertThat(e.getMessage())
        .startsWith(
            "request req-42: provider openai answered HTTP 400 (context_length_exceeded): "
                + "This model's maximum context length is 128000 tokens.");
    assertThat(e.getMessage())
        .endsWith(
            "[CONTEXT_TOO_LONG, not retryable: shorten the messages, lower max_tokens or pick a model "
                + "with a larger context window]");
  }

  @Test
  void retryAfterIsCarriedAndMentioned() {
    RateLimits limits = new RateLimits(null, null, null, null, null, null, Duration.ofSeconds(7));

    ProviderException e =
        classify(new Failure.Status(429, OpenAiFixtures.RATE_LIMIT_EXCEEDED, limits));

    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    assertThat(e.getMessage()).contains("retry after 7000 ms");
  }

  @Test
  void keysBearerTokensAndSkTokensInProviderMessagesAreRedacted() {
    String body =
        OpenAiFixtures.error(
            "bad key " + KEY + ", Authorization: Bearer abc.def-ghi, also sk-other-9876543210",
            "invalid_request_error",
            null,
            "invalid_api_key");

    ProviderException e = status(401, body);

    assertThat(e.getMessage())
        .doesNotContain(KEY, "abc.def-ghi", "sk-other-9876543210")
        .contains("[REDACTED]");
  }

  @Test
  void maskedKeyQuotedByOpenAiIsRedactedToo() {
    assertThat(status(401, OpenAiFixtures.INVALID_API_KEY).getMessage())
        .doesNotContain("abcd")
        .contains("Incorrect API key provided");
  }

  @Test
  void providerErrorReadsOpenAiShapeAndPlainShapes() {
    assertThat(OpenAiErrorClassifier.ProviderError.parse(OpenAiFixtures.INSUFFICIENT_QUOTA))
        .isEqualTo(
            new OpenAiErrorClassifier.ProviderError(
                "You exceeded your current quota, please check your plan and billing details.",
                "insufficient_quota",
                "insufficient_quota"));
    assertThat(
            OpenAiErrorClassifier.ProviderError.parse("{\"error\":\"model overloaded\"}").message())
        .isEqualTo("model overloaded");
    assertThat(OpenAiErrorClassifier.ProviderError.parse("upstream connect error").message())
        .isEqualTo("upstream connect error");
  }
}

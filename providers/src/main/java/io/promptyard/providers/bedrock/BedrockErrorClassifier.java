package io.promptyard.providers.bedrock;

import io.promptyard.providers.ApiKeyPool;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimitHeaders;
import io.promptyard.providers.RateLimits;
import io.promptyard.providers.http.FailedCall;
import io.promptyard.providers.http.Failure;
import io.promptyard.providers.http.ResponseTooLargeException;
import io.promptyard.providers.http.Verdict;
import io.promptyard.schemas.ErrorCode;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Turns every failure of a Bedrock call — an AWS service exception the SDK read from the answer or
 * the event stream, an SDK client failure (timeout, connection, unreadable answer), or one of our
 * own {@link Failure}s — into one {@link ProviderException}. Error types follow
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_Errors
 * and https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html.
 */
final class BedrockErrorClassifier {

  // Signing and credential failures, answered 403 (sometimes 400) by AWS's front door before
  // Bedrock itself.
  private static final Set<String> AUTHENTICATION_CODES =
      Set.of(
          "UnrecognizedClientException",
          "InvalidSignatureException",
          "IncompleteSignature",
          "IncompleteSignatureException",
          "ExpiredTokenException",
          "ExpiredToken",
          "InvalidClientTokenId",
          "MissingAuthenticationToken",
          "MissingAuthenticationTokenException",
          "SignatureDoesNotMatch",
          "InvalidAccessKeyId");
  // Bedrock says "Input is too long for requested model." and, for some models, "too many input
  // tokens".
  private static final List<String> TOO_LONG =
      List.of(
          "input is too long",
          "prompt is too long",
          "too many input tokens",
          "context length",
          "context window",
          "maximum context");

  private BedrockErrorClassifier() {}

  /** The one place where a failed Bedrock call becomes a code and a retryable flag. */
  static ProviderException classify(
      Throwable thrown,
      String provider,
      String requestId,
      ApiKeyPool secrets,
      HttpTimeouts timeouts) {
    Throwable t = unwrap(thrown);
    Verdict v =
        switch (t) {
          case FailedCall f -> failure(f.failure());
          case ResponseTooLargeException e -> failure(new Failure.TooLarge(e.limitBytes()));
          case AwsServiceException e -> service(e);
          case ApiCallTimeoutException e ->
              failure(
                  new Failure.TimedOut(
                      "no complete answer within the total timeout (" + e.getMessage() + ")", e));
          case ApiCallAttemptTimeoutException e -> failure(new Failure.TimedOut(e.getMessage(), e));
          case SdkClientException e -> client(e, timeouts);
          case TimeoutException e -> failure(new Failure.TimedOut(e.getMessage(), e));
          case InterruptedException e -> failure(new Failure.Interrupted());
          default ->
              Verdict.withoutAnswer(
                  ErrorCode.INTERNAL, false, "failed inside the adapter: " + Verdict.describe(t));
        };
    return v.toException(
        provider, requestId, secrets, hint(v.code(), provider), t instanceof FailedCall ? null : t);
  }

  private static Verdict service(AwsServiceException e) {
    AwsErrorDetails details = e.awsErrorDetails();
    String type =
        details == null || details.errorCode() == null
            ? e.getClass().getSimpleName()
            : details.errorCode();
    String text = details == null || details.errorMessage() == null ? null : details.errorMessage();
    RateLimits limits =
        details == null || details.sdkHttpResponse() == null
            ? RateLimits.UNKNOWN
            : RateLimitHeaders.parse(
                HttpHeaders.of(details.sdkHttpResponse().headers(), (k, val) -> true));
    // Exceptions inside a 200 event stream carry no status of their own.
    int status = e.statusCode() > 0 ? e.statusCode() : 200;
    String said =
        (e.statusCode() > 0 ? "answered HTTP " + status : "sent an error in the stream")
            + Verdict.quote(type, text);
    return switch (type) {
      // Bedrock names an unknown or unavailable model id in a ValidationException ("The provided
      // model identifier is invalid."): the model, not the request, is what to fix.
      case "ValidationException" ->
          new Verdict(
              tooLong(text)
                  ? ErrorCode.CONTEXT_TOO_LONG
                  : namesInvalidModel(text) ? ErrorCode.MODEL_NOT_FOUND : ErrorCode.INVALID_REQUEST,
              false,
              status,
              said,
              limits);
      case "AccessDeniedException" ->
          new Verdict(ErrorCode.PERMISSION_DENIED, false, status, said, limits);
      case "ResourceNotFoundException" ->
          new Verdict(ErrorCode.MODEL_NOT_FOUND, false, status, said, limits);
      // ServiceQuotaExceeded: "You can resubmit your request later" — a quota, like a rate limit.
      case "ThrottlingException", "ServiceQuotaExceededException" ->
          new Verdict(ErrorCode.RATE_LIMITED, true, status, said, limits);
      case "ModelTimeoutException" -> new Verdict(ErrorCode.TIMEOUT, true, status, said, limits);
      // ModelNotReady is answered 429 but means the model is being loaded, not that we asked too
      // often.
      case "ServiceUnavailableException", "ModelNotReadyException" ->
          new Verdict(ErrorCode.OVERLOADED, true, status, said, limits);
      case "InternalServerException", "ModelErrorException", "ModelStreamErrorException" ->
          new Verdict(ErrorCode.PROVIDER_ERROR, true, status, said, limits);
      default ->
          AUTHENTICATION_CODES.contains(type)
              ? new Verdict(ErrorCode.AUTHENTICATION, false, status, said, limits)
              : byStatus(status, said, limits);
    };
  }

  /**
   * The verdict on a status alone, as most providers mean it ({@link Verdict#ofStatus}), but for a
   * 413, which Bedrock answers for a request over the model's input limit, and an error event
   * inside a 200 stream, which is the model's failure.
   */
  private static Verdict byStatus(int status, String said, RateLimits limits) {
    return switch (status) {
      case 413 -> new Verdict(ErrorCode.CONTEXT_TOO_LONG, false, status, said, limits);
      case 200 -> new Verdict(ErrorCode.PROVIDER_ERROR, true, status, said, limits);
      default -> Verdict.ofStatus(status, said, limits);
    };
  }

  /**
   * A failure on our side of the wire. The SDK wraps the cause: a Netty read/connect timeout, an
   * I/O error, or a parse error of a 2xx body it could not unmarshal (whose parser exception is an
   * IOException too, so it is looked for first).
   */
  private static Verdict client(SdkClientException e, HttpTimeouts timeouts) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ResponseTooLargeException big) {
        return failure(new Failure.TooLarge(big.limitBytes()));
      }
      String name = c.getClass().getName();
      if (name.contains("jackson") || name.contains("Json")) {
        return failure(new Failure.Malformed(Verdict.describe(c), c, null));
      }
    }
    for (Throwable c = e; c != null; c = c.getCause()) {
      String name = c.getClass().getSimpleName();
      if (name.contains("Timeout") || c instanceof TimeoutException) {
        String what =
            name.startsWith("ReadTimeout")
                ? "nothing arrived within the first-byte timeout " + timeouts.firstByte()
                : name.contains("ConnectTimeout")
                    ? "no connection within the connect timeout " + timeouts.connect()
                    : Verdict.describe(c);
        return failure(new Failure.TimedOut(what, c));
      }
    }
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof IOException io) {
        return failure(new Failure.Transport(io));
      }
    }
    String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    if (m.contains("unmarshall") || m.contains("parse")) {
      return failure(new Failure.Malformed(Verdict.describe(e), e, null));
    }
    return Verdict.withoutAnswer(
        ErrorCode.CONNECTION, true, "call failed in the AWS SDK: " + Verdict.describe(e));
  }

  private static Verdict failure(Failure failure) {
    return switch (failure) {
      case Failure.NoKey n ->
          Verdict.withoutAnswer(
              ErrorCode.AUTHENTICATION,
              false,
              "has no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
      case Failure.Status s -> byStatus(s.status(), "answered HTTP " + s.status(), s.rateLimits());
      case Failure.StreamError s ->
          new Verdict(
              ErrorCode.PROVIDER_ERROR, true, 200, "sent an error in the stream", s.rateLimits());
      default -> Verdict.ofTransport(failure);
    };
  }

  private static boolean tooLong(String text) {
    String t = text == null ? "" : text.toLowerCase(Locale.ROOT);
    return TOO_LONG.stream().anyMatch(t::contains);
  }

  private static boolean namesInvalidModel(String text) {
    return text != null && text.toLowerCase(Locale.ROOT).contains("model identifier is invalid");
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** What an operator or the caller can do about a failure that retrying will not cure. */
  private static String hint(ErrorCode code, String provider) {
    return switch (code) {
      case AUTHENTICATION ->
          ": check the AWS credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) of provider "
              + provider;
      case PERMISSION_DENIED ->
          ": check the IAM policy (bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream) and the "
              + "model access granted in the Bedrock console for this region";
      case MODEL_NOT_FOUND ->
          ": check the model id (or inference profile) in the catalog against the models offered in this region";
      default -> Verdict.hint(code, provider);
    };
  }
}

package io.promptyard.client.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DetectorVerdict;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Output;
import io.promptyard.schemas.ResultError;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.ToolCall;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchOutputTest {

  private static final Instant DONE = Instant.parse("2025-03-14T09:26:53.589Z");

  private static CompletionResult.Builder result(ResultStatus status) {
    return CompletionResult.newBuilder()
        .setId("nightly:req-7")
        .setTeam("search")
        .setStatus(status)
        .setUsage(new TokenUsage(0L, 0L, 0L, 0L))
        .setBatchId("nightly")
        .setCustomId("req-7")
        .setCompletedAt(DONE);
  }

  /** The line as a reader of the output file sees it, after a round trip through text. */
  private static JsonNode written(CompletionResult r) throws Exception {
    ObjectNode line = BatchOutput.line(r);
    return BatchInput.JSON.readTree(line.toString());
  }

  @Test
  void aSucceededResultIsA200WithAChatCompletionBody() throws Exception {
    CompletionResult r =
        result(ResultStatus.SUCCEEDED)
            .setProvider("openai")
            .setModel("gpt-4o-mini")
            .setOutput(new Output("The water cycle moves water.", List.of(), "stop", null))
            .setUsage(new TokenUsage(812L, 37L, 512L, 12L))
            .setCostMicros(1_290L)
            .setLatencyMillis(1_482L)
            .setAttempts(1)
            .build();

    JsonNode line = written(r);

    assertThat(line.path("id").asText()).startsWith("batch_req_");
    assertThat(line.path("custom_id").asText()).isEqualTo("req-7");
    assertThat(line.path("error").isNull()).isTrue();
    JsonNode response = line.path("response");
    assertThat(response.path("status_code").asInt()).isEqualTo(200);
    assertThat(response.path("request_id").asText()).isEqualTo("nightly:req-7");
    JsonNode body = response.path("body");
    assertThat(body.path("object").asText()).isEqualTo("chat.completion");
    assertThat(body.path("id").asText()).startsWith("chatcmpl-");
    assertThat(body.path("created").asLong()).isEqualTo(DONE.getEpochSecond());
    assertThat(body.path("model").asText()).isEqualTo("gpt-4o-mini");
    JsonNode choice = body.path("choices").path(0);
    assertThat(choice.path("index").asInt()).isZero();
    assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
    assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
    assertThat(choice.path("message").path("content").asText())
        .isEqualTo("The water cycle moves water.");
    assertThat(choice.path("message").has("tool_calls")).isFalse();
    JsonNode usage = body.path("usage");
    assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(812L);
    assertThat(usage.path("completion_tokens").asLong()).isEqualTo(37L);
    assertThat(usage.path("total_tokens").asLong()).isEqualTo(849L);
    assertThat(usage.path("prompt_tokens_details").path("cached_tokens").asLong()).isEqualTo(512L);
    assertThat(usage.path("completion_tokens_details").path("reasoning_tokens").asLong())
        .isEqualTo(12L);
    JsonNode py = line.path("promptyard");
    assertThat(py.path("provider").asText()).isEqualTo("openai");
    assertThat(py.path("cost_micros").asLong()).isEqualTo(1_290L);
    assertThat(py.path("status").asText()).isEqualTo("SUCCEEDED");
  }

  @Test
  void toolCallsAreWrittenAsOpenAiFunctionCalls() throws Exception {
    CompletionResult r =
        result(ResultStatus.SUCCEEDED)
            .setModel("gpt-4o-mini")
            .setOutput(
                new Output(
                    null,
                    List.of(new ToolCall("call_1", "lookup", "{\"q\":\"cat\"}")),
                    "tool_calls",
                    null))
            .build();

    JsonNode message =
        written(r).path("response").path("body").path("choices").path(0).path("message");

    assertThat(message.path("content").isNull()).isTrue();
    JsonNode call = message.path("tool_calls").path(0);
    assertThat(call.path("id").asText()).isEqualTo("call_1");
    assertThat(call.path("type").asText()).isEqualTo("function");
    assertThat(call.path("function").path("name").asText()).isEqualTo("lookup");
    assertThat(call.path("function").path("arguments").asText()).isEqualTo("{\"q\":\"cat\"}");
  }

  @Test
  void aRejectedResultIsA400WithAnOpenAiErrorBody() throws Exception {
    CompletionResult r =
        result(ResultStatus.REJECTED)
            .setError(
                new ResultError(
                    ErrorCode.UNKNOWN_MODEL, "model 'gpt-9' is not in the catalog", null, false))
            .build();

    JsonNode line = written(r);

    assertThat(line.path("response").path("status_code").asInt()).isEqualTo(400);
    assertThat(line.path("error").isNull()).isTrue();
    JsonNode error = line.path("response").path("body").path("error");
    assertThat(error.path("message").asText()).isEqualTo("model 'gpt-9' is not in the catalog");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.has("param")).isTrue();
    assertThat(error.path("code").asText()).isEqualTo("unknown_model");
  }

  @Test
  void theGuardsVerdictsAreInThePromptyardObjectWhenTheGuardRan() throws Exception {
    CompletionResult guarded =
        result(ResultStatus.REJECTED)
            .setError(
                new ResultError(
                    ErrorCode.CONTENT_POLICY,
                    "blocked by the guard policy: detector secret found OPENAI_KEY",
                    null,
                    false))
            .setGuard(
                List.of(
                    new DetectorVerdict("email", "redact", 2, 0.98),
                    new DetectorVerdict("secret", "block", 1, 0.99)))
            .build();

    JsonNode line = written(guarded);
    JsonNode unguarded = written(result(ResultStatus.REJECTED).build());

    assertThat(line.path("promptyard").path("guard").toString())
        .isEqualTo(
            "[{\"detector\":\"email\",\"action\":\"redact\",\"count\":2,\"score\":0.98},"
                + "{\"detector\":\"secret\",\"action\":\"block\",\"count\":1,\"score\":0.99}]");
    assertThat(unguarded.path("promptyard").has("guard")).isFalse();
  }

  @Test
  void aSemanticHitSaysSoWithTheSimilarityAndTheRequestWhoseAnswerItReused() throws Exception {
    CompletionResult hit =
        result(ResultStatus.SUCCEEDED)
            .setCached(true)
            .setCacheMatch("semantic")
            .setSimilarity(0.93)
            .setReusedRequestId("nightly:req-2")
            .build();

    JsonNode py = written(hit).path("promptyard");
    JsonNode fresh = written(result(ResultStatus.SUCCEEDED).build()).path("promptyard");

    assertThat(py.path("cached").asBoolean()).isTrue();
    assertThat(py.path("cache").asText()).isEqualTo("semantic");
    assertThat(py.path("similarity").asDouble()).isEqualTo(0.93);
    assertThat(py.path("reused_request_id").asText()).isEqualTo("nightly:req-2");
    assertThat(fresh.has("cache")).isFalse();
    assertThat(fresh.has("similarity")).isFalse();
    assertThat(fresh.has("cache_note")).isFalse();
  }

  @Test
  void aPausedTeamsWouldBeSemanticHitSaysWhyTheCacheDidNotAnswer() throws Exception {
    CompletionResult paid =
        result(ResultStatus.SUCCEEDED)
            .setCacheNote(
                "a cached answer to a similar prompt (request req-2) was not used: paused")
            .build();

    JsonNode py = written(paid).path("promptyard");

    assertThat(py.path("cached").asBoolean()).isFalse();
    assertThat(py.path("cache_note").asText())
        .isEqualTo("a cached answer to a similar prompt (request req-2) was not used: paused");
  }

  @Test
  void aRequestRejectedOverBudgetIsA429() throws Exception {
    CompletionResult r =
        result(ResultStatus.REJECTED)
            .setError(
                new ResultError(
                    ErrorCode.OVER_BUDGET, "team search is over its monthly budget", null, false))
            .build();

    JsonNode line = written(r);

    assertThat(line.path("response").path("status_code").asInt()).isEqualTo(429);
    assertThat(line.path("response").path("body").path("error").path("type").asText())
        .isEqualTo("rate_limit_error");
  }

  @Test
  void aFailedResultCarriesTheProvidersStatus() throws Exception {
    CompletionResult r =
        result(ResultStatus.FAILED)
            .setProvider("openai")
            .setModel("gpt-4o-mini")
            .setAttempts(4)
            .setError(
                new ResultError(
                    ErrorCode.OVERLOADED, "503 service unavailable after 4 attempts", 503, true))
            .build();

    JsonNode line = written(r);

    assertThat(line.path("response").path("status_code").asInt()).isEqualTo(503);
    assertThat(line.path("response").path("body").path("error").path("type").asText())
        .isEqualTo("server_error");
    assertThat(line.path("response").path("body").path("error").path("code").asText())
        .isEqualTo("overloaded");
    assertThat(line.path("error").isNull()).isTrue();
  }

  @Test
  void aFailedResultWithoutAnErrorStatusFromTheProviderIsNeverA2xx() throws Exception {
    CompletionResult withoutStatus =
        result(ResultStatus.FAILED)
            .setError(new ResultError(ErrorCode.TIMEOUT, "no answer in 60 s", null, true))
            .build();
    CompletionResult unreadable200 =
        result(ResultStatus.FAILED)
            .setError(
                new ResultError(
                    ErrorCode.MALFORMED_RESPONSE, "the provider's 200 had no choices", 200, false))
            .build();

    assertThat(written(withoutStatus).path("response").path("status_code").asInt()).isEqualTo(504);
    assertThat(written(unreadable200).path("response").path("status_code").asInt()).isEqualTo(502);
  }

  @Test
  void aRequestTheAdapterRefusedBeforeSendingIsA400NamingTheModelItWasFor() throws Exception {
    CompletionResult refused =
        result(ResultStatus.FAILED)
            .setProvider("anthropic")
            .setModel("claude-haiku-4-5")
            .setLatencyMillis(12)
            .setAttempts(1)
            .setError(
                new ResultError(
                    ErrorCode.INVALID_REQUEST,
                    "anthropic accepts temperature from 0 to 1; the request asks for 1.5",
                    null,
                    false))
            .build();

    JsonNode line = written(refused);

    assertThat(line.path("response").path("status_code").asInt()).isEqualTo(400);
    JsonNode error = line.path("response").path("body").path("error");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("code").asText()).isEqualTo("invalid_request");
    JsonNode py = line.path("promptyard");
    assertThat(py.path("status").asText()).isEqualTo("FAILED");
    assertThat(py.path("provider").asText()).isEqualTo("anthropic");
    assertThat(py.path("model").asText()).isEqualTo("claude-haiku-4-5");
    assertThat(py.path("latency_ms").asLong()).isEqualTo(12);
  }

  @Test
  void errorsWithoutAProviderStatusGetTheStatusOfTheirKind() throws Exception {
    assertThat(statusOfFailure(ErrorCode.CONTEXT_TOO_LONG)).isEqualTo(400);
    assertThat(statusOfFailure(ErrorCode.CONTENT_POLICY)).isEqualTo(400);
    assertThat(statusOfFailure(ErrorCode.AUTHENTICATION)).isEqualTo(401);
    assertThat(statusOfFailure(ErrorCode.PERMISSION_DENIED)).isEqualTo(403);
    assertThat(statusOfFailure(ErrorCode.MODEL_NOT_FOUND)).isEqualTo(404);
    assertThat(statusOfFailure(ErrorCode.RATE_LIMITED)).isEqualTo(429);
    assertThat(statusOfFailure(ErrorCode.CONNECTION)).isEqualTo(502);
    assertThat(statusOfFailure(ErrorCode.OVERLOADED)).isEqualTo(503);
    assertThat(statusOfFailure(ErrorCode.PROVIDER_ERROR)).isEqualTo(500);
    assertThat(statusOfFailure(ErrorCode.INTERNAL)).isEqualTo(500);
  }

  @Test
  void aRateLimitedFailureIsARateLimitError() throws Exception {
    CompletionResult r =
        result(ResultStatus.FAILED)
            .setError(
                new ResultError(
                    ErrorCode.RATE_LIMITED, "sim refused the call: rate limit", null, true))
            .build();

    JsonNode error = written(r).path("response").path("body").path("error");

    assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
  }

  private static int statusOfFailure(ErrorCode code) throws Exception {
    CompletionResult r =
        result(ResultStatus.FAILED).setError(new ResultError(code, "why", null, false)).build();
    return written(r).path("response").path("status_code").asInt();
  }

  @Test
  void anExpiredResultHasNoResponseAndABatchExpiredError() throws Exception {
    CompletionResult r =
        result(ResultStatus.EXPIRED)
            .setError(
                new ResultError(
                    ErrorCode.DEADLINE_EXCEEDED,
                    "deadline passed before a provider was called",
                    null,
                    false))
            .build();

    JsonNode line = written(r);

    assertThat(line.has("response")).isTrue();
    assertThat(line.path("response").isNull()).isTrue();
    assertThat(line.path("error").path("code").asText()).isEqualTo("batch_expired");
    assertThat(line.path("error").path("message").asText())
        .isEqualTo("deadline passed before a provider was called");
    assertThat(line.path("custom_id").asText()).isEqualTo("req-7");
  }

  @Test
  void customIdIsEchoedAndFallsBackToTheRequestId() throws Exception {
    CompletionResult fromBatch = result(ResultStatus.SUCCEEDED).setCustomId("row-42").build();
    CompletionResult notFromBatch = result(ResultStatus.SUCCEEDED).setCustomId(null).build();

    assertThat(written(fromBatch).path("custom_id").asText()).isEqualTo("row-42");
    assertThat(written(notFromBatch).path("custom_id").asText()).isEqualTo("nightly:req-7");
  }

  @Test
  void lineIdsAreStablePerRequest() {
    CompletionResult r = result(ResultStatus.SUCCEEDED).build();

    assertThat(BatchOutput.line(r).path("id").asText())
        .isEqualTo(BatchOutput.line(r).path("id").asText());
    assertThat(BatchOutput.line(r).path("id").asText())
        .isNotEqualTo(
            BatchOutput.line(result(ResultStatus.SUCCEEDED).setId("nightly:req-8").build())
                .path("id")
                .asText());
  }
}

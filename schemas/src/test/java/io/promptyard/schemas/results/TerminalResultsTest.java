package io.promptyard.schemas.results;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.RecordHeader;
import io.promptyard.schemas.ResultError;
import io.promptyard.schemas.ResultStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TerminalResultsTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void deadLettersNeverCarryCredentialHeaders() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("Authorization", utf8("Bearer sk-live-123"));
    headers.add("api-key", utf8("azure-key"));
    headers.add("X-API-Key", utf8("anthropic-key"));
    headers.add("proxy-authorization", utf8("Basic dXNlcjpwYXNz"));
    headers.add("x-goog-api-key", utf8("gemini-key"));
    headers.add("Cookie", utf8("session=abc"));
    headers.add("traceparent", utf8("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    headers.add("content-type", utf8("application/json"));
    headers.add("no-value", null);

    DeadLetter dl =
        TerminalResults.deadLetter(
                "promptyard.requests.json",
                2,
                991L,
                utf8("req-1"),
                utf8("{oops"),
                headers,
                ErrorCode.UNDECODABLE,
                "not JSON")
            .build();

    assertThat(dl.getHeaders())
        .extracting(RecordHeader::getKey)
        .containsExactly("traceparent", "content-type", "no-value");
    assertThat(dl.getHeaders().get(0).getValue())
        .isEqualTo(
            ByteBuffer.wrap(utf8("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")));
    assertThat(dl.getHeaders().get(2).getValue()).isNull();
    assertThat(dl.toString())
        .doesNotContain("sk-live-123", "azure-key", "anthropic-key", "gemini-key");
  }

  @Test
  void deadLettersKeepTheOriginalRecordAndWhereItCameFrom() {
    DeadLetter dl =
        TerminalResults.deadLetter(
                "promptyard.requests",
                5,
                1_234L,
                null,
                new byte[] {(byte) 0xC3, 0x01},
                null,
                ErrorCode.UNDECODABLE,
                "bad header")
            .build();

    assertThat(dl.getOriginTopic()).isEqualTo("promptyard.requests");
    assertThat(dl.getOriginPartition()).isEqualTo(5);
    assertThat(dl.getOriginOffset()).isEqualTo(1_234L);
    assertThat(dl.getKey()).isNull();
    assertThat(dl.getValue()).isEqualTo(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x01}));
    assertThat(dl.getHeaders()).isEmpty();
    assertThat(dl.getErrorCode()).isEqualTo(ErrorCode.UNDECODABLE);
    assertThat(dl.getErrorMessage()).isEqualTo("bad header");
  }

  @Test
  void anUnsuccessfulResultEchoesTheRequestsBatchIdentifiers() {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId("b1:row-3")
            .setTeam("search")
            .setModel("cheap")
            .setBatchId("b1")
            .setCustomId("row-3")
            .build();
    Instant before =
        Instant.now()
            .truncatedTo(ChronoUnit.MILLIS); // timestamp-millis fields keep milliseconds only

    CompletionResult r =
        TerminalResults.unsuccessful(
            request,
            ResultStatus.FAILED,
            new ResultError(ErrorCode.OVERLOADED, "529 overloaded", 529, true),
            4);

    assertThat(r.getId()).isEqualTo("b1:row-3");
    assertThat(r.getTeam()).isEqualTo("search");
    assertThat(r.getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(r.getBatchId()).isEqualTo("b1");
    assertThat(r.getCustomId()).isEqualTo("row-3");
    assertThat(r.getAttempts()).isEqualTo(4);
    assertThat(r.getError().getCode()).isEqualTo(ErrorCode.OVERLOADED);
    assertThat(r.getError().getProviderStatus()).isEqualTo(529);
    assertThat(r.getError().getRetryable()).isTrue();
    assertThat(r.getUsage().getInputTokens()).isZero();
    assertThat(r.getCompletedAt()).isAfterOrEqualTo(before);
  }

  @Test
  void aResultForAnUnreadableTeamHasAnEmptyTeam() {
    CompletionResult r =
        TerminalResults.unsuccessful(
                "req-9",
                null,
                ResultStatus.REJECTED,
                TerminalResults.error(ErrorCode.INVALID_REQUEST, "metadata must be an object"),
                0)
            .build();

    assertThat(r.getTeam()).isEmpty();
    assertThat(r.getError().getProviderStatus()).isNull();
  }
}

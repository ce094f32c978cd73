package io.promptyard.schemas.results;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.RecordHeader;
import io.promptyard.schemas.ResultError;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.TokenUsage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Builds the terminal results and dead letters that every service publishes the same way. */
public final class TerminalResults {

  /**
   * Parts of header names that may carry credentials (authorization, api-key, x-api-key,
   * x-goog-api-key, openai_api_key, cookie, …); a header whose lower-cased name contains one is
   * never copied into a dead letter.
   */
  private static final List<String> SECRET_HEADER_PARTS =
      List.of("authorization", "api-key", "api_key", "apikey", "cookie", "secret", "password");

  private TerminalResults() {}

  /**
   * A result without a provider answer (REJECTED, EXPIRED or FAILED) for a request that was read.
   */
  public static CompletionResult unsuccessful(
      CompletionRequest request, ResultStatus status, ResultError error, int attempts) {
    return unsuccessful(request.getId(), request.getTeam(), status, error, attempts)
        .setBatchId(request.getBatchId())
        .setCustomId(request.getCustomId())
        .build();
  }

  /** A result builder without a provider answer, for when only the id and team could be read. */
  public static CompletionResult.Builder unsuccessful(
      String id, String team, ResultStatus status, ResultError error, int attempts) {
    return CompletionResult.newBuilder()
        .setId(id)
        .setTeam(team == null ? "" : team)
        .setStatus(status)
        .setUsage(new TokenUsage(0L, 0L, 0L, 0L))
        .setAttempts(attempts)
        .setError(error)
        .setCompletedAt(Instant.now());
  }

  /** An error that no provider answer gave: not retryable, without a provider status. */
  public static ResultError error(ErrorCode code, String message) {
    return new ResultError(code, message, null, false);
  }

  /**
   * A dead letter for a record read from {@code topic}, keeping its bytes and its non-secret
   * headers.
   */
  public static DeadLetter.Builder deadLetter(
      String topic,
      int partition,
      long offset,
      byte[] key,
      byte[] value,
      Headers headers,
      ErrorCode code,
      String message) {
    return DeadLetter.newBuilder()
        .setOriginTopic(topic)
        .setOriginPartition(partition)
        .setOriginOffset(offset)
        .setKey(key == null ? null : ByteBuffer.wrap(key))
        .setValue(value == null ? null : ByteBuffer.wrap(value))
        .setHeaders(keptHeaders(headers))
        .setErrorCode(code)
        .setErrorMessage(message)
        .setDeadLetteredAt(Instant.now());
  }

  /** A record's headers as a dead letter keeps them: all but those whose names suggest a secret. */
  public static List<RecordHeader> keptHeaders(Headers headers) {
    List<RecordHeader> kept = new ArrayList<>();
    if (headers != null) {
      for (Header h : headers) {
        if (!isSecret(h.key())) {
          kept.add(
              new RecordHeader(h.key(), h.value() == null ? null : ByteBuffer.wrap(h.value())));
        }
      }
    }
    return kept;
  }

  private static boolean isSecret(String headerName) {
    String name = headerName.toLowerCase(Locale.ROOT);
    return SECRET_HEADER_PARTS.stream().anyMatch(name::contains);
  }
}

package io.promptyard.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.CompletionChunk;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ResultError;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.results.TerminalResults;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamAssemblerTest {

  /** When the fake answers were made: a fixed instant, as no test reads it. */
  private static final Instant ANSWERED = Instant.parse("2026-03-01T12:00:00Z");

  private final List<String> deltas = new ArrayList<>();
  private final List<Integer> restarts = new ArrayList<>();

  /** What a caller that clears its output on each restart shows. */
  private final StringBuilder shown = new StringBuilder();

  private final StreamAssembler stream =
      new StreamAssembler(
          d -> {
            deltas.add(d);
            shown.append(d);
          },
          attempt -> {
            restarts.add(attempt);
            shown.setLength(0);
          });
  private final CompletionRequest request =
      CompletionRequests.builder().id("s1").team("t").model("cheap").user("hi").build();

  private static CompletionChunk chunk(int index, String delta, String finish) {
    return chunk(1, index, delta, finish);
  }

  private static CompletionChunk chunk(int attempt, int index, String delta, String finish) {
    return new CompletionChunk("s1", index, delta, finish, "sim", "sim-mini", ANSWERED, attempt);
  }

  /** The SUCCEEDED result whose answer {@code attempt} gave. */
  private CompletionResult answeredBy(int attempt, String text) {
    return CompletionResult.newBuilder(Responder.succeeded(request, text))
        .setAttempts(attempt)
        .build();
  }

  @Test
  void chunksReadOutOfOrderAreDeliveredInIndexOrder() {
    stream.chunk(chunk(1, "b", null));
    stream.chunk(chunk(0, "a", null));
    stream.chunk(chunk(2, "c", "stop"));

    assertThat(deltas).containsExactly("a", "b", "c");
  }

  @Test
  void aResultReadBeforeTheLastChunkWaitsForIt() {
    stream.chunk(chunk(0, "a", null));

    assertThat(stream.result(Responder.succeeded(request, "ab"), 0)).isNull();
    CompletionResult done = stream.chunk(chunk(1, "b", "stop"));

    assertThat(done).isNotNull();
    assertThat(deltas).containsExactly("a", "b");
  }

  @Test
  void aResultWhoseLastChunksNeverCameDeliversTheRestAfterTheGracePeriod() {
    stream.chunk(chunk(0, "a", null));
    stream.result(Responder.succeeded(request, "abc"), 1_000);

    assertThat(stream.expire(1_500, 3_000)).isNull();
    assertThat(stream.expire(4_000, 3_000)).isNotNull();
    assertThat(deltas).containsExactly("a", "bc");
  }

  @Test
  void aFailedResultEndsTheStreamAtOnce() {
    CompletionResult failed =
        TerminalResults.unsuccessful(
            request,
            ResultStatus.FAILED,
            new ResultError(ErrorCode.TIMEOUT, "slow", null, true),
            3);

    assertThat(stream.result(failed, 0)).isEqualTo(failed);
    assertThat(deltas).isEmpty();
  }

  @Test
  void aRetryStreamingAfterAFailedAttemptRestartsTheAnswerWithoutSplicingTheTwo() {
    stream.chunk(chunk(1, 0, "The capital", null));
    stream.chunk(chunk(1, 1, " of Fra", null));
    stream.chunk(chunk(2, 0, "Paris", null));
    CompletionResult done = stream.chunk(chunk(2, 1, " is the capital.", "stop"));
    CompletionResult result = stream.result(answeredBy(2, "Paris is the capital."), 0);

    assertThat(done).isNull();
    assertThat(result).isNotNull();
    assertThat(restarts).containsExactly(2);
    assertThat(shown).hasToString("Paris is the capital.");
    assertThat(deltas).containsExactly("The capital", " of Fra", "Paris", " is the capital.");
  }

  @Test
  void aFailedAttemptsChunksReadAmongTheRetrysAreDropped() {
    stream.chunk(chunk(1, 0, "The capital", null));
    stream.chunk(chunk(2, 0, "Paris", null));
    stream.chunk(chunk(1, 1, " of Fra", null));
    stream.chunk(chunk(1, 2, "nce is", null));
    stream.chunk(chunk(2, 1, " is the capital.", "stop"));

    CompletionResult done = stream.result(answeredBy(2, "Paris is the capital."), 0);

    assertThat(done).isNotNull();
    assertThat(restarts).containsExactly(2);
    assertThat(shown).hasToString("Paris is the capital.");
  }

  @Test
  void aResultReadBeforeItsAttemptsChunksIsNotCompletedByAFailedAttemptsLastChunk() {
    stream.chunk(chunk(1, 0, "Paris.", "stop")); // the stream ended, then the attempt failed

    assertThat(stream.result(answeredBy(2, "Lyon? No: Paris."), 0)).isNull();
    assertThat(stream.chunk(chunk(2, 0, "Lyon? ", null))).isNull();
    CompletionResult done = stream.chunk(chunk(2, 1, "No: Paris.", "stop"));

    assertThat(done).isNotNull();
    assertThat(shown).hasToString("Lyon? No: Paris.");
  }

  @Test
  void aCachedAnswerAfterAFailedAttemptReplacesItsText() {
    stream.chunk(chunk(1, 0, "The capi", null));

    CompletionResult cached =
        CompletionResult.newBuilder(answeredBy(2, "Paris.")).setCached(true).build();
    CompletionResult done = stream.result(cached, 0);

    assertThat(done).isEqualTo(cached);
    assertThat(restarts).containsExactly(2);
    assertThat(shown).hasToString("Paris.");
  }

  @Test
  void chunksFromWorkersThatDoNotNumberAttemptsAssembleAsBefore() {
    stream.chunk(chunk(0, 0, "a", null));
    stream.chunk(chunk(0, 1, "b", "stop"));

    CompletionResult done = stream.result(answeredBy(1, "ab"), 0);

    assertThat(done).isNotNull();
    assertThat(restarts).isEmpty();
    assertThat(shown).hasToString("ab");
  }
}

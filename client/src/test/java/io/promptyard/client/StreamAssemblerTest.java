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
  private final StreamAssembler stream = new StreamAssembler(deltas::add);
  private final CompletionRequest request =
      CompletionRequests.builder().id("s1").team("t").model("cheap").user("hi").build();

  private static CompletionChunk chunk(int index, String delta, String finish) {
    return new CompletionChunk("s1", index, delta, finish, "sim", "sim-mini", ANSWERED);
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
}

package io.promptyard.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.Attempt;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.RoutingHints;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Dead-letter replays enter through the replay topic and are validated, budget-gated and routed
 * like any request; only there does the router keep the replay mark a worker acts on.
 */
class ReplayTopologyTest {

  private static final long DOLLAR = 1_000_000;
  private static final String MARK = "promptyard.dlq/0@7 at 2026-11-23T09:59:00Z";
  private static final AvroSerde<CompletionRequest> REQUESTS =
      AvroSerde.of(CompletionRequest.class);

  private final RouterDriver router = new RouterDriver(TestCatalog.catalog());

  @AfterEach
  void close() {
    router.close();
  }

  @Test
  void aReplayedJobIsRoutedAfreshKeepingItsAttemptsAndOnlyItsReplayMark() {
    router.replayIn.pipeInput(replay(request("r-1").build()));

    TestRecord<String, RoutedRequest> routed = router.route("alpha").readRecord();
    assertThat(routed.key()).isEqualTo("r-1");
    assertThat(routed.value().getDecision().getProvider())
        .as("the stale decision is not kept")
        .isEqualTo("alpha");
    assertThat(routed.value().getDecision().getReason()).doesNotContain("stale");
    assertThat(routed.value().getAttempts())
        .as("so that the replay's usage event ids (id:attempt) follow the first run's")
        .extracting(Attempt::getProvider)
        .containsExactly("gamma");
    assertThat(names(routed.headers()))
        .containsExactlyInAnyOrder("traceparent", RecordHeaders.REPLAY);
    assertThat(text(routed.headers().lastHeader(RecordHeaders.REPLAY))).isEqualTo(MARK);
  }

  @Test
  void aReplayedRequestOfATeamOverItsBudgetIsRejectedAndReachesNoProvider() {
    router.budget("search", 50 * DOLLAR, null, 51 * DOLLAR, RouterDriver.NOW.minusSeconds(60));

    router.replayIn.pipeInput(replay(request("r-over").build()));

    CompletionResult result = router.results.readValue();
    assertThat(result.getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.OVER_BUDGET);
    assertThat(router.allRouted("alpha", "beta", "gamma")).isEmpty();
  }

  @Test
  void aReplayedRequestWithParametersIngressRejectsIsRejected() {
    router.replayIn.pipeInput(
        replay(
            request("r-hot")
                .setParameters(Parameters.newBuilder().setTemperature(Double.NaN).build())
                .build()));

    CompletionResult result = router.results.readValue();
    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(result.getError().getMessage()).isEqualTo("temperature NaN is outside 0..2");
    assertThat(router.allRouted("alpha", "beta", "gamma")).isEmpty();
  }

  @Test
  void aReplayPinnedToAProviderIsRoutedThereAndNowhereElse() {
    router.replayIn.pipeInput(
        replay(
            request("r-pin")
                .setRouting(RoutingHints.newBuilder().setPinnedModel("beta/b-mini").build())
                .build()));

    RoutedRequest routed = router.route("beta").readValue();
    assertThat(routed.getDecision().getModel()).isEqualTo("b-mini");
    assertThat(routed.getDecision().getFallbackChain()).isEmpty();
  }

  @Test
  void theReplayMarkOnTheAvroIngressTopicIsDropped() {
    CompletionRequest forged = request("r-forged").build();
    router.avroIn.pipeInput(marked(forged.getId(), REQUESTS.encode(forged)));

    Headers routed = router.route("alpha").readRecord().headers();
    assertThat(names(routed)).containsExactly("traceparent");
  }

  /**
   * What {@code dlq replay} writes: the dead-lettered job (a stale decision, one failed attempt)
   * with its request, its trace and the replay mark (and a stray internal header).
   */
  private static TestRecord<byte[], byte[]> replay(CompletionRequest request) {
    Instant before = RouterDriver.NOW.minusSeconds(600);
    RoutedRequest job =
        RoutedRequest.newBuilder()
            .setRequest(request)
            .setDecision(
                RoutingDecision.newBuilder()
                    .setProvider("gamma")
                    .setModel("g-mini")
                    .setReason("stale")
                    .setRoutedAt(before)
                    .build())
            .setAttempts(
                List.of(
                    Attempt.newBuilder()
                        .setProvider("gamma")
                        .setModel("g-mini")
                        .setStartedAt(before)
                        .setFinishedAt(before)
                        .setErrorCode(ErrorCode.OVERLOADED)
                        .build()))
            .build();
    return marked(request.getId(), AvroSerde.of(RoutedRequest.class).encode(job));
  }

  private static TestRecord<byte[], byte[]> marked(String key, byte[] value) {
    Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
    headers.add("traceparent", utf8("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
    headers.add(RecordHeaders.DUE_AT, utf8("0"));
    headers.add(RecordHeaders.REPLAY, utf8(MARK));
    return new TestRecord<>(utf8(key), value, headers, RouterDriver.NOW);
  }

  private static CompletionRequest.Builder request(String id) {
    return CompletionRequest.newBuilder()
        .setId(id)
        .setTeam("search")
        .setModel("alpha/a-mini")
        .setMessages(List.of(Message.newBuilder().setRole(Role.USER).setText("hello").build()));
  }

  private static List<String> names(Headers headers) {
    return Stream.of(headers.toArray()).map(Header::key).toList();
  }

  private static String text(Header h) {
    return new String(h.value(), StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

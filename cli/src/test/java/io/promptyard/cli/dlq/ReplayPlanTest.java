package io.promptyard.cli.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.router.validation.RequestValidator;
import io.promptyard.schemas.Attempt;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.RoutingHints;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.RecordHeaders;
import io.promptyard.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * What {@code dlq replay} publishes for a dead letter: never a routed job, always a request the
 * router routes again, and nothing the router would reject.
 */
class ReplayPlanTest {

  private static final Instant NOW = Instant.parse("2027-01-01T00:20:00Z");
  private static final Topics TOPICS = Topics.defaults();
  private static final AvroSerde<RoutedRequest> ROUTED = AvroSerde.of(RoutedRequest.class);
  private static final ReplayPlan PLAN =
      new ReplayPlan(
          TOPICS,
          ModelCatalog.bundled(),
          RequestValidator.defaults(),
          Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void aWorkersLetterGoesToTheReplayTopicAsItsRequestMarkedAsAReplay() {
    CompletionRequest request = request("r-1").build();

    ReplayPlan.Replay replay =
        PLAN.plan(workerLetter(request), new ReplayPlan.RouterDecides(), ParameterOverrides.none());

    ProducerRecord<byte[], byte[]> r = replay.record();
    assertThat(r.topic()).isEqualTo(TOPICS.replays());
    RoutedRequest job = ROUTED.decode(r.value());
    assertThat(job.getRequest()).isEqualTo(request);
    assertThat(job.getAttempts())
        .as("the router keeps them, so the replay's usage event ids follow the first run's")
        .hasSize(1);
    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("r-1");
    assertThat(header(r, "trace-id")).isEqualTo("trace");
    assertThat(header(r, RecordHeaders.REPLAY))
        .isEqualTo(TOPICS.deadLetters() + "/0@5 at 2027-01-01T00:20:00Z");
    assertThat(header(r, RecordHeaders.DUE_AT)).as("a retry topic's mark is not kept").isNull();
    assertThat(replay.description()).isEqualTo("through the router via " + TOPICS.replays());
  }

  @Test
  void aChosenProviderBecomesAPinTheRouterChecks() {
    ReplayPlan.Replay replay =
        PLAN.plan(
            workerLetter(request("r-2").build()),
            new ReplayPlan.ToProvider("anthropic", Optional.empty()),
            ParameterOverrides.parse(List.of("max_tokens=512"), RequestValidator.defaults()));

    CompletionRequest replayed = ROUTED.decode(replay.record().value()).getRequest();
    assertThat(replay.record().topic()).isEqualTo(TOPICS.replays());
    assertThat(replayed.getRouting().getPinnedModel())
        .as("the job's fallback entry at that provider")
        .isEqualTo("anthropic/claude-haiku-4-5");
    assertThat(replayed.getParameters().getMaxTokens()).isEqualTo(512);
    assertThat(replay.description())
        .isEqualTo(
            "through the router via "
                + TOPICS.replays()
                + ", pinned to anthropic/claude-haiku-4-5 with max_tokens=512");
  }

  @Test
  void aPinToAProviderTheRequestExcludesIsRefused() {
    CompletionRequest request =
        request("r-3")
            .setRouting(
                RoutingHints.newBuilder().setExcludedProviders(List.of("anthropic")).build())
            .build();

    assertThatThrownBy(
            () ->
                PLAN.plan(
                    workerLetter(request),
                    new ReplayPlan.ToProvider("anthropic", Optional.empty()),
                    ParameterOverrides.none()))
        .hasMessage(
            "dead letter 0@5 (request r-3) cannot be replayed that way: "
                + "the request excludes provider anthropic");
  }

  @Test
  void aRequestTheRouterWouldRejectIsRefusedNamingTheLetter() {
    CompletionRequest request =
        request("r-4")
            .setParameters(
                Parameters.newBuilder().setStop(List.of("a", "b", "c", "d", "e")).build())
            .build();

    assertThatThrownBy(
            () ->
                PLAN.plan(
                    workerLetter(request),
                    new ReplayPlan.RouterDecides(),
                    ParameterOverrides.parse(List.of("max_tokens=5"), RequestValidator.defaults())))
        .hasMessage(
            "dead letter 0@5 (request r-4) cannot be replayed that way: "
                + "the router would reject it: stop has 5 sequences; the limit is 4");
  }

  @Test
  void anUnreadableLetterFromARouteTopicIsNotSentAnywhere() {
    DeadLetter letter =
        TerminalResults.deadLetter(
                TOPICS.route("openai"),
                0,
                3,
                null,
                "garbage".getBytes(StandardCharsets.UTF_8),
                null,
                ErrorCode.UNDECODABLE,
                "not Avro")
            .setRequestId("r-5")
            .build();

    assertThatThrownBy(
            () ->
                PLAN.plan(
                    new LetterOnTopic(TOPICS.deadLetters(), 0, 6, "r-5", letter),
                    new ReplayPlan.RouterDecides(),
                    ParameterOverrides.none()))
        .hasMessageContaining("holds no routed request, so the router could not route it again");
  }

  @Test
  void aRoutersLetterGoesBackToItsIngressTopicWithoutReplayMarks() {
    var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
    headers.add(RecordHeaders.REPLAY, "forged".getBytes(StandardCharsets.UTF_8));
    byte[] body =
        "{\"model\":\"cheap\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
            .getBytes(StandardCharsets.UTF_8);
    DeadLetter letter =
        TerminalResults.deadLetter(
                TOPICS.requestsJson(), 0, 1, null, body, headers, ErrorCode.INTERNAL, "threw")
            .setRequestId("j-1")
            .build();

    ReplayPlan.Replay replay =
        PLAN.plan(
            new LetterOnTopic(TOPICS.deadLetters(), 0, 2, "j-1", letter),
            new ReplayPlan.RouterDecides(),
            ParameterOverrides.none());

    assertThat(replay.record().topic()).isEqualTo(TOPICS.requestsJson());
    assertThat(replay.record().value()).isEqualTo(body);
    assertThat(header(replay.record(), RecordHeaders.REPLAY)).isNull();
  }

  private static CompletionRequest.Builder request(String id) {
    return CompletionRequest.newBuilder()
        .setId(id)
        .setTeam("search")
        .setModel("cheap")
        .setMessages(List.of(Message.newBuilder().setRole(Role.USER).setText("hi").build()));
  }

  /** A dead letter as the worker writes it, from a retry topic, for a job that failed at openai. */
  private static LetterOnTopic workerLetter(CompletionRequest request) {
    RoutedRequest job =
        RoutedRequest.newBuilder()
            .setRequest(request)
            .setDecision(
                RoutingDecision.newBuilder()
                    .setProvider("openai")
                    .setModel("gpt-4o-mini")
                    .setFallbackChain(List.of(new ModelRef("anthropic", "claude-haiku-4-5")))
                    .setRoutedAt(NOW)
                    .build())
            .setAttempts(
                List.of(
                    Attempt.newBuilder()
                        .setProvider("openai")
                        .setModel("gpt-4o-mini")
                        .setStartedAt(NOW)
                        .setFinishedAt(NOW)
                        .setErrorCode(ErrorCode.OVERLOADED)
                        .build()))
            .build();
    var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
    headers.add("trace-id", "trace".getBytes(StandardCharsets.UTF_8));
    headers.add(RecordHeaders.DUE_AT, "1".getBytes(StandardCharsets.UTF_8));
    DeadLetter letter =
        TerminalResults.deadLetter(
                TOPICS.retry("openai"),
                0,
                7,
                null,
                AvroSerde.of(RoutedRequest.class).encode(job),
                headers,
                ErrorCode.OVERLOADED,
                "503")
            .setRequestId(request.getId())
            .build();
    return new LetterOnTopic(TOPICS.deadLetters(), 0, 5, request.getId(), letter);
  }

  private static String header(ProducerRecord<byte[], byte[]> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}

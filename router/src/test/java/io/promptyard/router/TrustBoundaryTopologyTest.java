package io.promptyard.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.router.routing.RoutingDefaults;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Priority;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.ingress.RequestLimits;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.RecordHeaders;
import io.promptyard.schemas.topics.ReplyTopics;
import io.promptyard.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a producer may not make the router do: have a result copied to one of Promptyard's own
 * topics (or anywhere outside the reply prefix), or pass headers only Promptyard may set on to the
 * workers.
 */
class TrustBoundaryTopologyTest {

  private static final Topics TOPICS = Topics.defaults();
  private static final String TRACEPARENT =
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  private RouterDriver router = new RouterDriver(TestCatalog.catalog());

  @AfterEach
  void tearDown() {
    router.close();
  }

  /** Every topic {@link Topics} names, for the catalog's provider {@code alpha} and both lanes. */
  static Stream<String> internalTopics() {
    return Stream.of(
        TOPICS.requests(),
        TOPICS.requestsJson(),
        TOPICS.route("alpha"),
        TOPICS.routeInteractive("alpha"),
        TOPICS.retry("alpha"),
        TOPICS.retry("alpha", Priority.INTERACTIVE),
        TOPICS.results(),
        TOPICS.chunks(),
        TOPICS.usage(),
        TOPICS.usageTotals(),
        TOPICS.alerts(),
        TOPICS.deadLetters(),
        TOPICS.providerHealth(),
        TOPICS.budgetStatus(),
        TOPICS.budgets(),
        TOPICS.templates());
  }

  @ParameterizedTest
  @MethodSource("internalTopics")
  void aRequestReplyingToAPromptyardTopicIsRejectedAndNothingIsWrittenThere(String internal) {
    router.ask("summarize@2", "team-a", "cheap", replyTopic(internal));

    assertRejectedNamingTheTopic(internal, "promptyard.replies.");
  }

  @ParameterizedTest
  @MethodSource("internalTopics")
  void aPromptyardTopicIsRefusedEvenWhenItSitsUnderTheReplyPrefix(String internal) {
    router.close();
    router =
        new RouterDriver(
            TestCatalog.catalog(),
            RoutingDefaults.standard(),
            RequestLimits.defaults(),
            new ReplyTopics(TOPICS, TOPICS.prefix()));

    router.ask("summarize@2", "team-a", "cheap", replyTopic(internal));

    assertRejectedNamingTheTopic(internal, TOPICS.prefix());
  }

  @Test
  void anAvroRequestReplyingToTheTemplatesTopicIsRejected() {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId("summarize@2")
            .setTeam("team-a")
            .setModel("cheap")
            .setMessages(
                List.of(Message.newBuilder().setRole(Role.USER).setText("Say hello").build()))
            .setReplyTopic(TOPICS.templates())
            .build();

    router.avroIn.pipeInput(
        utf8("summarize@2"), AvroSerde.of(CompletionRequest.class).encode(request));

    assertRejectedNamingTheTopic(TOPICS.templates(), "promptyard.replies.");
  }

  @Test
  void aReplyTopicOutsideThePrefixIsRejectedNamingTheAllowedPrefix() {
    router.ask("r-1", "team-a", "cheap", replyTopic("team-a.inbox"));

    assertRejectedNamingTheTopic("team-a.inbox", "promptyard.replies.");
  }

  @Test
  void aReplyTopicUnderThePrefixIsRoutedWithIt() {
    router.ask("r-1", "team-a", "alpha/a-mini", replyTopic("promptyard.replies.search"));

    RoutedRequest routed = router.route("alpha").readValue();
    assertThat(routed.getRequest().getId()).isEqualTo("r-1");
    assertThat(routed.getRequest().getReplyTopic()).isEqualTo("promptyard.replies.search");
    assertThat(router.results.isEmpty()).isTrue();
    assertThat(router.replyCopies).as("the worker sends its result's copy").isEmpty();
  }

  @Test
  void aRequestTheRouterRejectsHasItsRejectionCopiedToItsReplyTopic() {
    router.ask("r-1", "team-a", "nobody/no-model", replyTopic("promptyard.replies.search"));

    CompletionResult rejected = router.results.readValue();
    assertThat(rejected.getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(router.replyCopies)
        .as("the client reading only its reply topic gets the rejection too")
        .containsExactly(Map.entry("promptyard.replies.search", rejected));
  }

  @Test
  void aRequestClaimingAnotherTeamOnATeamTopicHasNoCopySent() {
    router.close();
    router = new RouterDriver(TestCatalog.catalog(), Ingress.TEAMS);

    router
        .teamJsonIn("team-a")
        .pipeInput(
            utf8("r-1"),
            utf8(
                "{\"model\":\"alpha/a-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                    + "\"metadata\":{\"request_id\":\"r-1\",\"team\":\"team-b\","
                    + replyTopic("promptyard.replies.team-b.x")
                    + "}}"));

    assertThat(router.results.readValue().getError().getCode())
        .isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(router.replyCopies).isEmpty();
  }

  /** The headers a producer may try to forge: each Promptyard header, also in other cases. */
  static Stream<String> forgedHeaders() {
    return Stream.of(
        RecordHeaders.REPLAY,
        RecordHeaders.DUE_AT,
        RecordHeaders.ATTEMPTS_BEFORE_REPLAY,
        "Promptyard-Replay",
        "PROMPTYARD-DUE-AT",
        "promptyard-Attempts-Before-Replay");
  }

  @ParameterizedTest
  @MethodSource("forgedHeaders")
  void aForgedPromptyardHeaderNeverReachesTheRouteTopicWhileOtherHeadersDo(String forged) {
    router.jsonIn.pipeInput(
        new TestRecord<>(utf8("r-1"), utf8(chat("r-1")), headers(forged), RouterDriver.NOW));

    Headers routed = router.route("alpha").readRecord().headers();
    assertThat(names(routed)).containsExactly("traceparent");
    assertThat(new String(routed.lastHeader("traceparent").value(), StandardCharsets.UTF_8))
        .isEqualTo(TRACEPARENT);
  }

  @Test
  void forgedPromptyardHeadersAreNeitherOnARejectionNorKeptInADeadLetter() {
    router.jsonIn.pipeInput(
        new TestRecord<>(
            utf8("no-team"),
            utf8("{\"model\":\"cheap\",\"messages\":[]}"),
            headers(RecordHeaders.REPLAY),
            RouterDriver.NOW));
    router.avroIn.pipeInput(
        new TestRecord<>(
            utf8("junk"), new byte[] {9, 9, 9}, headers(RecordHeaders.DUE_AT), RouterDriver.NOW));

    assertThat(names(router.results.readRecord().headers())).containsExactly("traceparent");
    DeadLetter letter = router.dlq.readValue();
    assertThat(letter.getHeaders()).extracting(h -> h.getKey()).containsExactly("traceparent");
  }

  private void assertRejectedNamingTheTopic(String topic, String allowedPrefix) {
    CompletionResult result = router.results.readValue();
    assertThat(result.getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(result.getError().getMessage())
        .contains("'" + topic + "'")
        .contains("'" + allowedPrefix + "'")
        .contains(ReplyTopics.PREFIX.name());
    assertThat(router.results.isEmpty()).as("only the rejection is on the results topic").isTrue();
    assertThat(router.allRouted("alpha", "beta", "gamma")).isEmpty();
    assertThat(router.producedTopicNames())
        .as("the router wrote only the rejection")
        .containsExactly(TOPICS.results());
    assertThat(router.replyCopies).as("no copy goes to a refused reply topic").isEmpty();
  }

  private static String replyTopic(String topic) {
    return "\"reply_topic\":\"" + topic + "\"";
  }

  private static String chat(String id) {
    return "{\"model\":\"alpha/a-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}],"
        + "\"metadata\":{\"team\":\"team-a\",\"request_id\":\""
        + id
        + "\"}}";
  }

  private static Headers headers(String forged) {
    Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
    headers.add("traceparent", utf8(TRACEPARENT));
    headers.add(forged, utf8("forged by a producer"));
    return headers;
  }

  private static List<String> names(Headers headers) {
    return Stream.of(headers.toArray()).map(Header::key).toList();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

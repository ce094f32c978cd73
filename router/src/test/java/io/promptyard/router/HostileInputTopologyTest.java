package io.promptyard.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.catalog.Capability;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.router.routing.RoutingDefaults;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.PromptTemplate;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.TemplateMessage;
import io.promptyard.schemas.ingress.RequestLimits;
import io.promptyard.schemas.serde.RecordSizeLimit;
import io.promptyard.testkit.hostile.HostileAvro;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * No single record stops the router: bytes that claim more than they hold are dead letters, a
 * request whose processing throws is a dead letter naming the exception, and a request beyond a
 * limit is REJECTED naming the limit's key; in each case the next request is routed. The topology
 * runs with the production exception handler.
 */
class HostileInputTopologyTest {

  /** Small limits, so that the bodies that go beyond them stay small. */
  private static final RequestLimits LIMITS =
      new RequestLimits(
          2_000,
          8,
          10,
          1_000,
          3,
          2,
          2,
          16,
          8,
          1_000,
          Duration.ofMillis(200),
          RecordSizeLimit.DEFAULT_MAX_RECORD_BYTES);

  private RouterDriver router =
      new RouterDriver(TestCatalog.catalog(), RoutingDefaults.standard(), LIMITS);

  @AfterEach
  void tearDown() {
    router.close();
  }

  @Test
  void theReportedTwentyThreeByteRecordIsDeadLetteredWithTheReasonAndTheNextRequestIsRouted() {
    byte[] hostile = HostileAvro.messagesClaiming(1L << 30);

    router.avroIn.pipeInput(utf8("hostile-1"), hostile);
    router.ask("after-hostile", "team-a", "cheap", "");

    assertThat(hostile).hasSize(23);
    DeadLetter letter = router.dlq.readValue();
    assertThat(letter.getErrorCode()).isEqualTo(ErrorCode.UNDECODABLE);
    assertThat(letter.getErrorMessage())
        .contains("CompletionRequest")
        .contains("Collection length 1073741824 exceeds");
    assertThat(letter.getOriginTopic()).isEqualTo(router.topics.requests());
    assertThat(letter.getValue()).isEqualTo(ByteBuffer.wrap(hostile));
    assertThat(router.allRouted("alpha", "beta", "gamma"))
        .extracting(r -> r.getRequest().getId())
        .containsExactly("after-hostile");
  }

  @Test
  void aRequestWhoseRoutingThrowsIsDeadLetteredWithTheExceptionAndTheNextRequestIsRouted() {
    // A catalog price of $10,000,000 per million output tokens makes the cost estimate of
    // max_tokens 1,000,000 overflow a long: RoutingPolicy throws ArithmeticException, a path no
    // validation stops.
    router.close();
    ModelCatalog withAbsurdPrice =
        new ModelCatalog(
            TestCatalog.catalog().providers(),
            List.of(
                TestCatalog.model(
                    "alpha",
                    "a-mini",
                    List.of("cheap"),
                    16_000,
                    4_000,
                    Set.of(Capability.STREAMING),
                    "0.10",
                    "0.40"),
                TestCatalog.model(
                    "alpha",
                    "a-gold",
                    List.of(),
                    16_000,
                    4_000,
                    Set.of(Capability.STREAMING),
                    "0.10",
                    "10000000")));
    router = new RouterDriver(withAbsurdPrice, RoutingDefaults.standard(), LIMITS);
    String overflowing =
        "{\"model\":\"alpha/a-gold\",\"max_tokens\":1000000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
            + "\"metadata\":{\"team\":\"team-a\",\"request_id\":\"gold-1\"}}";

    router.jsonIn.pipeInput(utf8("gold-1"), utf8(overflowing));
    router.ask("after-gold", "team-a", "cheap", "");

    DeadLetter letter = router.dlq.readValue();
    assertThat(letter.getErrorCode()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(letter.getErrorMessage()).contains("java.lang.ArithmeticException: long overflow");
    assertThat(letter.getOriginTopic()).isEqualTo(router.topics.requestsJson());
    assertThat(letter.getValue()).isEqualTo(ByteBuffer.wrap(utf8(overflowing)));
    assertThat(letter.getKey()).isEqualTo(ByteBuffer.wrap(utf8("gold-1")));
    assertThat(router.allRouted("alpha"))
        .extracting(r -> r.getRequest().getId())
        .containsExactly("after-gold");
  }

  @Test
  void aRoutedRequestLargerThanARecordMayBeIsDeadLetteredWithItsOriginalBytesAndTheNextIsRouted() {
    // Under exactly-once a record the producer refuses fails the transaction, and the partition
    // with it: the router
    // refuses it itself, while serializing. Here a template renders 30,000 characters; records may
    // have 20,000 bytes.
    router.close();
    router =
        new RouterDriver(
            TestCatalog.catalog(),
            RoutingDefaults.standard(),
            // A time limit this render cannot reach on a loaded machine: the record size is what
            // is tested.
            new RequestLimits(
                2_000, 8, 10, 100_000, 3, 2, 2, 16, 8, 100_000, Duration.ofSeconds(30), 20_000));
    router.template(
        new PromptTemplate(
            "wide",
            "1",
            null,
            List.of(
                new TemplateMessage(Role.USER, "{% for i in range(0, 300) %}{{ x }}{% endfor %}")),
            null));
    String wide =
        "{\"model\":\"cheap\",\"metadata\":{\"team\":\"team-a\",\"request_id\":\"wide-1\","
            + "\"template\":{\"name\":\"wide\",\"variables\":{\"x\":\""
            + "y".repeat(100)
            + "\"}}}}";

    router.jsonIn.pipeInput(utf8("wide-1"), utf8(wide));
    router.ask("after-wide", "team-a", "cheap", "");

    DeadLetter letter = router.dlq.readValue();
    assertThat(letter.getErrorCode()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(letter.getErrorMessage())
        .contains("could not serialize the value for " + router.topics.route("gamma"))
        .contains("RecordTooLargeException")
        .contains("larger than the 20000 bytes a record may have");
    assertThat(letter.getValue()).isEqualTo(ByteBuffer.wrap(utf8(wide)));
    assertThat(router.allRouted("alpha", "beta", "gamma"))
        .extracting(r -> r.getRequest().getId())
        .containsExactly("after-wide");
  }

  @Test
  void anUndecodableRecordTooLargeForItsDeadLetterIsDeadLetteredWithoutItsBytes() {
    router.close();
    router =
        new RouterDriver(
            TestCatalog.catalog(),
            RoutingDefaults.standard(),
            new RequestLimits(
                2_000, 8, 10, 1_000, 3, 2, 2, 16, 8, 1_000, Duration.ofMillis(200), 20_000));

    router.avroIn.pipeInput(utf8("junk-1"), new byte[15_000]);

    DeadLetter letter = router.dlq.readValue();
    assertThat(letter.getErrorCode()).isEqualTo(ErrorCode.UNDECODABLE);
    assertThat(letter.getValue()).isNull();
    assertThat(letter.getErrorMessage())
        .contains("its 15000 bytes are left out")
        .contains("read them at " + router.topics.requests() + "-0@0");
    assertThat(letter.getOriginOffset()).isZero();
  }

  @Test
  void aJsonBodyLargerThanTheLimitIsRejectedUnreadUnderItsRecordKey() {
    String big = body("\"" + "x".repeat(2_000) + "\"", "");

    router.jsonIn.pipeInput(utf8("big-1"), utf8(big));

    assertRejected(
        "big-1",
        "the JSON body has "
            + big.length()
            + " bytes; the limit is 2000 (PROMPTYARD_ROUTER_MAX_BODY_BYTES)");
  }

  @Test
  void jsonNestedDeeperThanTheLimitIsRejected() {
    router.jsonIn.pipeInput(
        utf8("deep-1"), utf8(body("\"hi\"", ",\"x\":" + "[".repeat(20) + "]".repeat(20))));

    assertRejected(
        "deep-1",
        "the JSON body nests arrays and objects deeper than 8 levels (PROMPTYARD_ROUTER_MAX_JSON_DEPTH)");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "tools       | ,\"tools\":[{\"function\":{\"name\":\"a\"}},{\"function\":{\"name\":\"b\"}},{\"function\":{\"name\":\"c\"}}] "
            + "| {\"team\":\"team-a\",\"request_id\":\"r-1\"} | the request has 3 tools; the limit is 2 (PROMPTYARD_ROUTER_MAX_TOOLS)",
        "tags        | | {\"team\":\"team-a\",\"request_id\":\"r-1\",\"tags\":{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}} "
            + "| the request has 3 tags; the limit is 2 (PROMPTYARD_ROUTER_MAX_TAGS)",
        "team length | | {\"team\":\"a-very-long-team\",\"request_id\":\"r-1\"} "
            + "| team has 16 characters; the limit is 8 (PROMPTYARD_ROUTER_MAX_TEAM_LENGTH)",
        "id length   | | {\"team\":\"team-a\",\"request_id\":\"r-123456789-123456789\"} "
            + "| id has 21 characters; the limit is 16 (PROMPTYARD_ROUTER_MAX_ID_LENGTH)",
      })
  void aRequestBeyondACountOrLengthLimitIsRejectedNamingItsKey(
      String limit, String extra, String metadata, String reason) {
    router.jsonIn.pipeInput(utf8("k"), utf8(body("\"hi\"", extra == null ? "" : extra, metadata)));

    CompletionResult result = router.results.readValue();
    assertThat(result.getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(result.getError().getMessage()).isEqualTo(reason);
    assertThat(router.allRouted("alpha", "beta", "gamma")).isEmpty();
  }

  @Test
  void moreContentPartsThanTheLimitAreRejected() {
    String parts =
        IntStream.range(0, 4)
            .mapToObj(i -> "{\"type\":\"text\",\"text\":\"p" + i + "\"}")
            .collect(Collectors.joining(",", "[", "]"));

    router.jsonIn.pipeInput(utf8("parts-1"), utf8(body(parts, "")));

    assertRejected(
        "r-1",
        "the request has 4 content parts; the limit is 3 (PROMPTYARD_ROUTER_MAX_CONTENT_PARTS)");
  }

  @Test
  @Timeout(
      value = 60,
      threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // without the time limit it runs for hours
  void aTemplateThatRendersPastItsTimeLimitIsRejectedAndTheNextRequestIsRouted() {
    router.template(
        new PromptTemplate(
            "spin",
            "1",
            null,
            List.of(
                new TemplateMessage(
                    Role.USER,
                    "{% set v = n | json %}{% for a in v %}{% for b in v %}{% for c in v %}{% for d in v %}{% endfor %}{% endfor %}"
                        + "{% endfor %}{% endfor %}done")),
            null));
    // 300^4 = 8.1 billion iterations: hours of work from a body of 1.2 KB
    String numbers =
        IntStream.range(0, 300)
            .mapToObj(Integer::toString)
            .collect(Collectors.joining(",", "[", "]"));

    router.jsonIn.pipeInput(
        utf8("spin-1"),
        utf8(
            "{\"model\":\"cheap\",\"metadata\":{\"team\":\"team-a\",\"request_id\":\"spin-1\","
                + "\"template\":{\"name\":\"spin\",\"version\":\"1\",\"variables\":{\"n\":"
                + numbers
                + "}}}}"));
    router.ask("after-spin", "team-a", "cheap", "");

    assertRejected(
        "spin-1",
        "template spin@1, message 1 (user), line 1: rendering took longer than its limit of 200 ms");
    assertThat(router.allRouted("alpha", "beta", "gamma"))
        .extracting(r -> r.getRequest().getId())
        .containsExactly("after-spin");
  }

  private void assertRejected(String id, String reason) {
    CompletionResult result = router.results.readValue();
    assertThat(result.getId()).isEqualTo(id);
    assertThat(result.getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(result.getError().getMessage()).isEqualTo(reason);
    assertThat(router.dlq.isEmpty()).isTrue();
  }

  /**
   * A JSON ingress body for team-a, request r-1, with {@code content} as its one message's content.
   */
  private static String body(String content, String extra) {
    return body(content, extra, "{\"team\":\"team-a\",\"request_id\":\"r-1\"}");
  }

  private static String body(String content, String extra, String metadata) {
    return "{\"model\":\"cheap\",\"messages\":[{\"role\":\"user\",\"content\":"
        + content
        + "}]"
        + extra
        + ",\"metadata\":"
        + metadata
        + "}";
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

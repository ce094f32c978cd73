package io.promptyard.router;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.promptyard.router.routing.RoutingDefaults;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.PromptTemplate;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.TemplateMessage;
import io.promptyard.schemas.ingress.RequestLimits;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.slf4j.LoggerFactory;

/**
 * Ten thousand generated and mutated JSON bodies and ten thousand mutated Avro records through the
 * router's production topology (real JSON ingress, Avro decoder, validation, templates, routing,
 * and the dead-letter exception handler): each ends in exactly one place — routed, a REJECTED
 * result with a reason, or a dead letter of undecodable bytes — and no exception escapes. A dead
 * letter for an exception (code INTERNAL) would be a bug the exception handler hid, so it fails the
 * property too. The tally of outcomes is printed at the end.
 */
class HostileInputFuzzTest {

  private static final Set<ErrorCode> REJECTION_CODES =
      Set.of(
          ErrorCode.INVALID_REQUEST,
          ErrorCode.UNKNOWN_MODEL,
          ErrorCode.NO_CAPABLE_MODEL,
          ErrorCode.OVER_BUDGET);
  private static final Map<String, AtomicLong> TALLY = new ConcurrentHashMap<>();
  private static RouterDriver router;
  private static final List<Logger> QUIETED =
      List.of(
          (Logger) LoggerFactory.getLogger(RouterTopology.class.getName() + "$RouteProcessor"),
          (Logger) LoggerFactory.getLogger(TopologyTestDriver.class));

  @BeforeContainer
  static void startRouter() {
    // twenty thousand rejections and dead letters, each logged, would cost more than the routing
    QUIETED.forEach(l -> l.setLevel(Level.ERROR));
    router =
        new RouterDriver(
            TestCatalog.catalog(), RoutingDefaults.standard(), RequestLimits.defaults());
    router.template(
        new PromptTemplate(
            "echo",
            "1",
            null,
            List.of(
                new TemplateMessage(
                    Role.USER, "Echo {{ x }}{% for d in docs | json %} {{ d }}{% endfor %}")),
            null));
    router.template(
        new PromptTemplate(
            "spin",
            "1",
            null,
            List.of(
                new TemplateMessage(
                    Role.USER,
                    "{% for i in range(0, x | json) %}{% for d in docs | json %}{% endfor %}{% endfor %}.")),
            null));
  }

  @AfterContainer
  static void reportAndStop() {
    System.out.println("Hostile input fuzzing, outcomes by input class: " + new TreeMap<>(TALLY));
    router.close();
    QUIETED.forEach(l -> l.setLevel(null));
  }

  @Property(tries = 10_000, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
  void tenThousandGeneratedAndMutatedJsonBodiesEachEndRoutedRejectedOrDeadLettered(
      @ForAll("jsonBodies") byte[] body) {
    send(router.jsonIn, body);

    tally("json", outcome());
  }

  @Property(tries = 10_000, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
  void tenThousandMutatedAvroRequestsEachEndRoutedRejectedOrDeadLettered(
      @ForAll("avroRecords") byte[] record) {
    send(router.avroIn, record);

    tally("avro", outcome());
  }

  @Provide
  Arbitrary<byte[]> jsonBodies() {
    return Arbitraries.randomValue(HostileJson::body);
  }

  @Provide
  Arbitrary<byte[]> avroRecords() {
    return Arbitraries.randomValue(HostileAvroRecords::record);
  }

  private static void send(TestInputTopic<byte[], byte[]> topic, byte[] value) {
    topic.pipeInput("fuzz".getBytes(StandardCharsets.UTF_8), value);
  }

  /**
   * Where the record went: exactly one of routed, REJECTED with a reason, or dead-lettered as
   * undecodable.
   */
  private static String outcome() {
    List<RoutedRequest> routed = router.allRouted("alpha", "beta", "gamma");
    List<CompletionResult> results = router.results.readValuesToList();
    List<DeadLetter> letters = router.dlq.readValuesToList();
    assertThat(routed.size() + results.size() + letters.size())
        .as("outcomes of one record: %s %s %s", routed, results, letters)
        .isEqualTo(1);
    if (!results.isEmpty()) {
      CompletionResult r = results.getFirst();
      assertThat(r.getStatus()).isEqualTo(ResultStatus.REJECTED);
      assertThat(r.getError().getCode()).isIn(REJECTION_CODES);
      assertThat(r.getError().getMessage()).isNotBlank();
      assertThat(r.getId()).isNotBlank();
      return "rejected " + r.getError().getCode();
    }
    if (!letters.isEmpty()) {
      DeadLetter d = letters.getFirst();
      assertThat(d.getErrorCode())
          .as("dead letter %s", d.getErrorMessage())
          .isEqualTo(ErrorCode.UNDECODABLE);
      assertThat(d.getErrorMessage()).isNotBlank();
      assertThat(d.getValue()).isNotNull();
      return "dead letter UNDECODABLE";
    }
    return "routed";
  }

  private static void tally(String input, String outcome) {
    TALLY.computeIfAbsent(input + ": " + outcome, k -> new AtomicLong()).incrementAndGet();
  }
}

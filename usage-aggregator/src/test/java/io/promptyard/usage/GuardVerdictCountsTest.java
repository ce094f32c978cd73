package io.promptyard.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.promptyard.guardrails.Detector;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.DetectorVerdict;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.schemas.usage.Period;
import io.promptyard.usage.guard.GuardCount;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The guard verdicts that results carry, counted per team, detector, action, day and month. */
class GuardVerdictCountsTest {

  private static final Instant DEC_7 = Instant.parse("2026-12-07T10:00:00Z");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final UsageDriver d =
      new UsageDriver(
          UsageTopology.Options.defaults(Topics.defaults()), new UsageMetrics(registry));

  @AfterEach
  void tearDown() {
    d.close();
  }

  private static DetectorVerdict verdict(String detector, String action, int count) {
    return new DetectorVerdict(detector, action, count, 0.9);
  }

  private static CompletionResult result(
      String id, String team, Instant at, ResultStatus status, DetectorVerdict... verdicts) {
    return UsageDriver.result(id, team, at, status, verdicts);
  }

  private GuardCount row(String team, Period p, Instant at, String detector, String action) {
    return d.guardCounts().get(GuardCount.key(p, p.format(at), team, detector, action));
  }

  private List<String> keys() {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, GuardCount> it = d.guardCounts().all()) {
      it.forEachRemaining((KeyValue<String, GuardCount> kv) -> keys.add(kv.key));
    }
    return keys;
  }

  @Test
  void blockedRedactedAndFlaggedRequestsAreCountedPerTeamDetectorActionDayAndMonth() {
    // a REJECTED result of the router: blocked for a key, the email redacted
    d.send(
        result(
            "r1",
            "support",
            DEC_7,
            ResultStatus.REJECTED,
            verdict("secret", "block", 1),
            verdict("email", "redact", 2)));
    // an answered request whose email was redacted, the next day
    d.send(
        result(
            "r2",
            "support",
            DEC_7.plus(Duration.ofDays(1)),
            ResultStatus.SUCCEEDED,
            verdict("email", "redact", 3)));
    d.send(result("r3", "finance", DEC_7, ResultStatus.SUCCEEDED, verdict("injection", "flag", 1)));

    assertThat(row("support", Period.MONTH, DEC_7, "email", "redact"))
        .isEqualTo(new GuardCount("month", "2026-12", "support", "email", "redact", 2, 5));
    assertThat(row("support", Period.DAY, DEC_7, "email", "redact").requests()).isEqualTo(1);
    assertThat(row("support", Period.DAY, DEC_7.plus(Duration.ofDays(1)), "email", "redact"))
        .isEqualTo(new GuardCount("day", "2026-12-08", "support", "email", "redact", 1, 3));
    assertThat(row("support", Period.MONTH, DEC_7, "secret", "block").requests()).isEqualTo(1);
    assertThat(row("finance", Period.MONTH, DEC_7, "injection", "flag").requests()).isEqualTo(1);
    assertThat(row("finance", Period.MONTH, DEC_7, "email", "redact")).isNull();
    assertThat(registry.scrape())
        .contains(
            "promptyard_usage_guard_verdicts_total{action=\"redact\",detector=\"email\",team=\"support\"} 2.0")
        .contains(
            "promptyard_usage_guard_verdicts_total{action=\"block\",detector=\"secret\",team=\"support\"} 1.0");
  }

  @Test
  void aRequestIsCountedOnceWhateverResultsItGets() {
    CompletionResult first =
        result("r1", "support", DEC_7, ResultStatus.FAILED, verdict("email", "redact", 1));
    d.send(first);
    // the same result again (a worker that died before recording it published), then the result
    // of a replay of the failed request, which carries the first run's verdicts
    d.send(first);
    d.send(
        result(
            "r1",
            "support",
            DEC_7.plusSeconds(60),
            ResultStatus.SUCCEEDED,
            verdict("email", "redact", 1)));
    // another team may use the same request id
    d.send(result("r1", "finance", DEC_7, ResultStatus.SUCCEEDED, verdict("email", "redact", 1)));

    assertThat(row("support", Period.MONTH, DEC_7, "email", "redact").requests()).isEqualTo(1);
    assertThat(row("finance", Period.MONTH, DEC_7, "email", "redact").requests()).isEqualTo(1);
    assertThat(registry.scrape())
        .contains("promptyard_usage_guard_results_total{outcome=\"duplicate\"} 2.0")
        .contains("promptyard_usage_guard_results_total{outcome=\"counted\"} 2.0");
  }

  @Test
  void resultsWithoutVerdictsOrWithNothingFoundCountNothing() {
    d.send(result("r1", "support", DEC_7, ResultStatus.SUCCEEDED));
    d.send(
        CompletionResult.newBuilder(result("r2", "support", DEC_7, ResultStatus.SUCCEEDED))
            .setGuard(List.of())
            .build());
    d.send(result("r3", "support", DEC_7, ResultStatus.SUCCEEDED, verdict("email", "redact", 0)));

    assertThat(keys()).isEmpty();
  }

  @Test
  void aVerdictWithANameThatIsNotOneIsCountedInMetricsNotStoredAndTheOthersStillCount() {
    String hostile = "email\n|x".repeat(20);
    d.send(
        result(
            "r1",
            "support",
            DEC_7,
            ResultStatus.SUCCEEDED,
            verdict(hostile, "redact", 1),
            verdict("card", "off", 1),
            verdict("card", "redact", 1)));

    assertThat(keys())
        .containsExactlyInAnyOrder(
            GuardCount.key(Period.DAY, "2026-12-07", "support", "card", "redact"),
            GuardCount.key(Period.MONTH, "2026-12", "support", "card", "redact"));
    assertThat(registry.scrape())
        .contains("promptyard_usage_guard_results_total{outcome=\"invalid_verdict\"} 2.0");
  }

  @Test
  void aResultOlderThanTheDedupRetentionIsNotCounted() {
    d.send(result("r1", "support", DEC_7, ResultStatus.SUCCEEDED, verdict("ip", "flag", 1)));
    Instant old = DEC_7.minus(Duration.ofDays(36));
    d.send(result("r0", "support", old, ResultStatus.SUCCEEDED, verdict("ip", "flag", 1)));

    assertThat(row("support", Period.MONTH, old, "ip", "flag")).isNull();
    assertThat(registry.scrape())
        .contains("promptyard_usage_guard_results_total{outcome=\"late\"} 1.0");
  }

  @Test
  void anUndecodableResultIsDeadLetteredOnceAndTheNextIsCounted() {
    byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
    d.results.pipeInput("r-bad", garbage, DEC_7);
    d.send(result("r1", "support", DEC_7, ResultStatus.SUCCEEDED, verdict("ip", "flag", 1)));

    List<DeadLetter> letters = d.dlq.readValuesToList();
    assertThat(letters).hasSize(1);
    assertThat(letters.get(0).getOriginTopic()).isEqualTo(d.topics.results());
    assertThat(letters.get(0).getErrorCode()).isEqualTo(ErrorCode.UNDECODABLE);
    assertThat(row("support", Period.DAY, DEC_7, "ip", "flag").requests()).isEqualTo(1);
  }

  @Test
  void theTeamLabelIsCappedAndAnUnknownDetectorIsLabelledOther() {
    for (int i = 0; i <= UsageMetrics.MAX_TEAMS; i++) {
      d.send(result("r" + i, "team-" + i, DEC_7, ResultStatus.SUCCEEDED, verdict("ip", "flag", 1)));
    }
    d.send(result("n1", "team-0", DEC_7, ResultStatus.SUCCEEDED, verdict("voiceprint", "flag", 1)));

    String scrape = registry.scrape();
    assertThat(scrape)
        .contains(
            "promptyard_usage_guard_verdicts_total{action=\"flag\",detector=\"ip\",team=\"team-99\"} 1.0")
        .contains(
            "promptyard_usage_guard_verdicts_total{action=\"flag\",detector=\"ip\",team=\"other\"} 1.0")
        .contains(
            "promptyard_usage_guard_verdicts_total{action=\"flag\",detector=\"other\",team=\"team-0\"} 1.0")
        .doesNotContain("team=\"team-100\"");
    // the store keeps every team and the new detector's name
    assertThat(row("team-100", Period.DAY, DEC_7, "ip", "flag").requests()).isEqualTo(1);
    assertThat(row("team-0", Period.DAY, DEC_7, "voiceprint", "flag").requests()).isEqualTo(1);
  }

  @Test
  void theDetectorLabelsAreTheGuardrailsDetectors() {
    assertThat(UsageMetrics.DETECTORS)
        .isEqualTo(
            Arrays.stream(Detector.values()).map(Detector::policyName).collect(Collectors.toSet()));
  }

  @Test
  void sharesOfARowFromSeveralPartitionsAddUp() {
    GuardCount a = new GuardCount("day", "2026-12-07", "a|b", "email", "redact", 2, 3);
    GuardCount b = new GuardCount("day", "2026-12-07", "a|b", "email", "redact", 1, 4);
    GuardCount other = new GuardCount("day", "2026-12-07", "a", "email", "redact", 5, 5);

    assertThat(GuardCount.merged(List.of(a, b, other)).values())
        .containsExactlyInAnyOrder(
            new GuardCount("day", "2026-12-07", "a|b", "email", "redact", 3, 7), other);
  }

  @Test
  void aTimestampAResultsProducerChoseMakesNoLaterResultLate() {
    // a REJECTED result keeps the record timestamp its producer gave the request: a year ahead
    d.results.pipeInput(
        "r0",
        AvroSerde.of(CompletionResult.class)
            .encode(
                result(
                    "r0", "support", DEC_7, ResultStatus.REJECTED, verdict("secret", "block", 1))),
        DEC_7.plus(Duration.ofDays(365)));
    d.send(
        result(
            "r1",
            "support",
            DEC_7.plusSeconds(1),
            ResultStatus.SUCCEEDED,
            verdict("email", "redact", 1)));

    assertThat(row("support", Period.MONTH, DEC_7, "email", "redact").requests()).isEqualTo(1);
  }

  @Test
  void resultsAreReadInTasksOfTheirOwnSoTheirTimestampsMoveNoUsageEventsHorizon() {
    // Kafka Streams keeps stream time per task, and a task runs one sub-topology: results in the
    // usage events' sub-topology could make usage late with a producer-set timestamp
    for (boolean mirrors : List.of(false, true)) {
      TopologyDescription described =
          UsageTopology.build(
                  UsageTopology.Options.defaults(Topics.defaults()).withJsonMirrors(mirrors),
                  UsageMetrics.inMemory())
              .describe();
      for (TopologyDescription.Subtopology sub : described.subtopologies()) {
        Set<String> sources = new HashSet<>();
        sub.nodes().stream()
            .filter(n -> n instanceof TopologyDescription.Source)
            .forEach(n -> sources.addAll(((TopologyDescription.Source) n).topicSet()));
        if (sources.contains(d.topics.results())) {
          assertThat(sources).as("mirrors " + mirrors).containsExactly(d.topics.results());
        }
      }
    }
  }
}

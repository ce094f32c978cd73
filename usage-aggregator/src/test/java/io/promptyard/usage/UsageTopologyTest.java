package io.promptyard.usage;

import static io.promptyard.usage.UsageDriver.base;
import static io.promptyard.usage.UsageDriver.event;
import static io.promptyard.usage.UsageDriver.failed;
import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.Budget;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.UsageTotals;
import io.promptyard.schemas.usage.Period;
import io.promptyard.usage.totals.Totals;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UsageTopologyTest {

  private static final Instant T = Instant.parse("2026-11-23T10:15:00Z");
  private final UsageDriver d = new UsageDriver();

  @AfterEach
  void tearDown() {
    d.close();
  }

  @Test
  void eventsOfATeamAddUpToItsHourDayAndMonthTotals() {
    d.send(
        base("r1:1", "t1", T)
            .setUsage(new TokenUsage(100L, 20L, 30L, 5L))
            .setCostMicros(1_500)
            .build());
    d.send(
        base("r2:1", "t1", T.plusSeconds(3_600))
            .setUsage(new TokenUsage(50L, 10L, 0L, 0L))
            .setCostMicros(700)
            .build());

    UsageTotals hour = d.team("t1", Period.HOUR, T);
    UsageTotals day = d.team("t1", Period.DAY, T);
    UsageTotals month = d.team("t1", Period.MONTH, T);
    assertThat(hour.getCostMicros()).isEqualTo(1_500);
    assertThat(day.getRequests()).isEqualTo(2);
    assertThat(day.getInputTokens()).isEqualTo(150);
    assertThat(day.getOutputTokens()).isEqualTo(30);
    assertThat(day.getCachedInputTokens()).isEqualTo(30);
    assertThat(day.getReasoningTokens()).isEqualTo(5);
    assertThat(day.getCostMicros()).isEqualTo(2_200);
    assertThat(month.getCostMicros()).isEqualTo(2_200);
    assertThat(month.getPeriodStart()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
  }

  @Test
  void replayingEveryEventAgainLeavesTheTotalsUnchanged() {
    List<UsageEvent> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      UsageEvent e = event("r" + i + ":1", "t" + (i % 3), T.plusSeconds(i * 60L), 1_000 + i);
      sent.add(e);
      d.send(e);
    }
    Map<String, Long> before = monthCostByTeam();

    sent.forEach(d::send);

    assertThat(monthCostByTeam()).isEqualTo(before);
    assertThat(before.values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(sent.stream().mapToLong(UsageEvent::getCostMicros).sum());
    assertThat(d.metrics.duplicateCount()).isEqualTo(50);
  }

  @Test
  void twoTeamsUsingTheSameRequestIdAreEachCountedAndBilled() {
    d.setBudget("t1", 10_000_000, List.of(100), T);
    d.setBudget("t2", 10_000_000, List.of(100), T);
    d.status.readKeyValuesToMap();

    d.send(event("shared:1", "t1", T, 1_500));
    d.send(event("shared:1", "t2", T.plusSeconds(5), 700));
    d.emit();

    assertThat(d.team("t1", Period.MONTH, T).getRequests()).isEqualTo(1);
    assertThat(d.team("t1", Period.MONTH, T).getCostMicros()).isEqualTo(1_500);
    assertThat(d.team("t2", Period.MONTH, T).getRequests()).isEqualTo(1);
    assertThat(d.team("t2", Period.MONTH, T).getCostMicros()).isEqualTo(700);
    Map<String, Budget> statuses = d.status.readKeyValuesToMap();
    assertThat(statuses.get("t1").getSpentThisMonthMicros()).isEqualTo(1_500);
    assertThat(statuses.get("t2").getSpentThisMonthMicros()).isEqualTo(700);
    assertThat(d.metrics.duplicateCount()).isZero();
  }

  @Test
  void aTeamsRedeliveredEventIsCountedOnce() {
    UsageEvent e = event("r1:1", "t1", T, 1_500);
    d.send(e);
    d.send(event("r1:1", "t2", T, 700));

    d.send(e);

    assertThat(d.team("t1", Period.MONTH, T).getRequests()).isEqualTo(1);
    assertThat(d.team("t1", Period.MONTH, T).getCostMicros()).isEqualTo(1_500);
    assertThat(d.metrics.duplicateCount()).isEqualTo(1);
  }

  @Test
  void teamsAndIdsThatJoinIntoTheSameTextAreKeptApart() {
    d.send(event("c:1", "a:b", T, 100));
    d.send(event("b:c:1", "a", T, 200));

    assertThat(d.team("a:b", Period.MONTH, T).getCostMicros()).isEqualTo(100);
    assertThat(d.team("a", Period.MONTH, T).getCostMicros()).isEqualTo(200);
    assertThat(d.metrics.duplicateCount()).isZero();
  }

  @Test
  void anEventCountedUnderTheKeyBeforeTeamsWereInItIsNotCountedAgain() {
    // what the version that keyed by event id alone left in the store
    d.seen().put("r1:1", T.toEpochMilli());
    d.send(event("r2:1", "t1", T, 100));

    d.send(event("r1:1", "t1", T, 1_500));
    d.send(event("r1:1", "t2", T.plusSeconds(60), 700));

    assertThat(d.team("t1", Period.MONTH, T).getCostMicros()).isEqualTo(100);
    assertThat(d.team("t2", Period.MONTH, T).getCostMicros())
        .as("another team's event with the same id, which occurred later, is counted")
        .isEqualTo(700);
    assertThat(d.metrics.duplicateCount()).isEqualTo(1);
    assertThat(d.seen().get(SeenEvents.LEGACY_BOUND_KEY)).isEqualTo(T.toEpochMilli());
  }

  @Test
  void eventsLeaveTheDedupStoreWithTheRetentionButTheLegacyBoundStays() {
    d.send(event("r1:1", "t1", T, 100));
    assertThat(d.seen().get(SeenEvents.LEGACY_BOUND_KEY))
        .as("no legacy entries")
        .isEqualTo(Long.MIN_VALUE);

    d.send(event("r2:1", "t1", T.plus(d.options.dedupRetention()).plusSeconds(86_400), 100));
    d.driver.advanceWallClockTime(java.time.Duration.ofHours(1));

    assertThat(d.seen().get(SeenEvents.key("t1", "r1:1"))).isNull();
    assertThat(d.seen().get(SeenEvents.key("t1", "r2:1"))).isNotNull();
    assertThat(d.seen().get(SeenEvents.LEGACY_BOUND_KEY)).isEqualTo(Long.MIN_VALUE);
  }

  private Map<String, Long> monthCostByTeam() {
    return List.of("t0", "t1", "t2").stream()
        .collect(Collectors.toMap(t -> t, t -> d.team(t, Period.MONTH, T).getCostMicros()));
  }

  @Test
  void failedCallsAreCountedByErrorClassAndCacheHitsApartFromRequests() {
    d.send(failed("r1:1", "t1", T, ErrorCode.RATE_LIMITED));
    d.send(failed("r1:2", "t1", T, ErrorCode.RATE_LIMITED));
    d.send(failed("r3:1", "t1", T, ErrorCode.TIMEOUT));
    d.send(event("r1:3", "t1", T, 900));
    d.send(base("r2:1", "t1", T).setCached(true).setCostMicros(0).setSavedCostMicros(900).build());

    UsageTotals day = d.team("t1", Period.DAY, T);
    assertThat(day.getRequests()).isEqualTo(2);
    assertThat(day.getErrors()).isEqualTo(3);
    assertThat(day.getErrorsByClass())
        .containsExactlyInAnyOrderEntriesOf(Map.of("RATE_LIMITED", 2L, "TIMEOUT", 1L));
    assertThat(day.getCacheHits()).isEqualTo(1);
    assertThat(day.getCostMicros()).isEqualTo(900);
    assertThat(day.getSavedCostMicros()).isEqualTo(900);
  }

  @Test
  void teamsModelsProvidersAndDaysAreKeptApart() {
    d.send(event("a:1", "t1", T, 100));
    d.send(event("b:1", "t2", T, 200));
    d.send(base("c:1", "t1", T).setProvider("other").setModel("big").setCostMicros(400).build());
    d.send(event("e:1", "t1", T.plusSeconds(86_400), 800));

    assertThat(d.team("t1", Period.DAY, T).getCostMicros()).isEqualTo(500);
    assertThat(d.team("t2", Period.DAY, T).getCostMicros()).isEqualTo(200);
    assertThat(d.team("t1", Period.DAY, T.plusSeconds(86_400)).getCostMicros()).isEqualTo(800);
    assertThat(d.team("t1", Period.MONTH, T).getCostMicros()).isEqualTo(1_300);
    assertThat(d.teamModel("t1", "sim", "sim-mini", Period.DAY, T).getCostMicros()).isEqualTo(100);
    assertThat(d.teamModel("t1", "other", "big", Period.DAY, T).getCostMicros()).isEqualTo(400);
    assertThat(d.providerModel("sim", "sim-mini", Period.DAY, T).getCostMicros()).isEqualTo(300);
    assertThat(d.providerModel("sim", "sim-mini", Period.MONTH, T).getCostMicros())
        .isEqualTo(1_100);
  }

  @Test
  void latencyPercentilesComeFromProviderCallsAndPartialTotalsMergeExactly() {
    for (int i = 1; i <= 100; i++) {
      d.send(
          base("r" + i + ":1", i % 2 == 0 ? "even" : "odd", T).setLatencyMillis(i * 10L).build());
    }
    d.send(base("hit:1", "even", T).setCached(true).setLatencyMillis(1).build());

    UsageTotals all = d.providerModel("sim", "sim-mini", Period.DAY, T);
    assertThat(all.getLatencyP50Millis()).isBetween(495L, 505L);
    assertThat(all.getLatencyP99Millis()).isBetween(985L, 995L);
    assertThat(Totals.latencyOf(all).getTotalCount())
        .as("cache hits are not provider calls")
        .isEqualTo(100);

    Totals merged = Totals.fromRecord(d.teamModel("even", "sim", "sim-mini", Period.DAY, T));
    merged.merge(Totals.fromRecord(d.teamModel("odd", "sim", "sim-mini", Period.DAY, T)));
    Histogram mergedLatency = Totals.latencyOf(merged.toRecord());
    assertThat(mergedLatency.getTotalCount()).isEqualTo(100);
    assertThat(mergedLatency.getValueAtPercentile(50))
        .isEqualTo(Totals.latencyOf(all).getValueAtPercentile(50));
  }

  @Test
  void changedTotalsArePublishedOnceForEachEmitInterval() {
    d.send(event("r1:1", "t1", T, 100));
    d.send(event("r2:1", "t1", T, 100));
    assertThat(d.totals.isEmpty()).isTrue();

    d.emit();

    Map<String, UsageTotals> published = d.totals.readKeyValuesToMap();
    assertThat(published)
        .as("nine totals, and user, template and tag by day and month")
        .hasSize(15);
    assertThat(published.get("team|t1|month|2026-11").getCostMicros()).isEqualTo(200);
    assertThat(published.get("team-user|t1|(none)|day|2026-11-23").getRequests()).isEqualTo(2);
    assertThat(published.keySet())
        .anyMatch(k -> k.startsWith("provider-model|sim/sim-mini|day|2026-11-23#"));
    d.emit();
    assertThat(d.totals.isEmpty()).as("nothing changed since").isTrue();
  }

  @Test
  void eventsOlderThanTheDedupRetentionAreNotCounted() {
    d.send(event("new:1", "t1", T, 100));
    d.send(event("old:1", "t1", T.minus(d.options.dedupRetention()).minusSeconds(1), 100));

    assertThat(d.team("t1", Period.MONTH, T).getCostMicros()).isEqualTo(100);
  }

  @Test
  void undecodableUsageGoesToDeadLetterTopicAndAggregationContinues() {
    d.usage.pipeInput("t1", new byte[] {9, 9, 9}, T);
    d.send(event("r1:1", "t1", T, 100));

    DeadLetter letter = d.dlq.readValue();
    assertThat(letter.getErrorCode()).isEqualTo(ErrorCode.UNDECODABLE);
    assertThat(letter.getOriginTopic()).isEqualTo(d.topics.usage());
    assertThat(d.team("t1", Period.DAY, T).getRequests()).isEqualTo(1);
  }
}

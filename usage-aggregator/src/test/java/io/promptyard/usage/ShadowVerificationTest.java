package io.promptyard.usage;

import static io.promptyard.usage.UsageDriver.event;
import static io.promptyard.usage.UsageDriver.shadow;
import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.Alert;
import io.promptyard.schemas.AlertKind;
import io.promptyard.schemas.SemanticPause;
import io.promptyard.schemas.UsageTotals;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.schemas.usage.Period;
import io.promptyard.usage.shadow.FalseHitPolicy;
import io.promptyard.usage.shadow.FalseHitWatch;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Shadow verifications of semantic cache hits in the aggregator: counted per team as shadowed hits,
 * disagreements and shadow cost (never as requests), and a team whose observed false-hit rate
 * passes its limit paused with an alert, until the rate falls or an operator resets it.
 */
class ShadowVerificationTest {

  private static final Instant AT = Instant.parse("2026-12-07T10:00:00Z");

  private final UsageDriver d =
      new UsageDriver(
          UsageTopology.Options.defaults(Topics.defaults())
              .withFalseHits(new FalseHitPolicy(0.05, Map.of(), 4, 10)));

  @AfterEach
  void tearDown() {
    d.close();
  }

  @Test
  void shadowCallsAreNoRequestsTheirCostIsShadowCostAndEveryComparisonIsASample() {
    d.send(event("r1:1", "search", AT, 2_000));
    d.send(shadow("r2:shadow", "search", AT, true, 1_500));
    d.send(shadow("r3:shadow", "search", AT, true, 1_500));
    d.send(shadow("r3:shadow", "search", AT, false, 1_500)); // a redelivery: counted once
    // a paused team's would-be hit, paid for: a request, and a comparison at no shadow cost
    d.send(
        UsageDriver.base("r4:1", "search", AT)
            .setCostMicros(2_000)
            .setAnswerSimilarity(0.4)
            .setAnswersAgree(false)
            .build());

    UsageTotals month = d.team("search", Period.MONTH, AT);
    assertThat(month.getRequests()).isEqualTo(2);
    assertThat(month.getShadowedHits()).isEqualTo(3);
    assertThat(month.getShadowDisagreements()).isEqualTo(1);
    assertThat(month.getShadowCostMicros()).isEqualTo(3_000);
    assertThat(month.getCostMicros()).isEqualTo(7_000);
    assertThat(d.pauses.isEmpty()).isTrue();
  }

  @Test
  void aTeamPastItsLimitIsPausedWithAnAlertAndResumedWhenItsRateFalls() {
    d.send(shadow("a:shadow", "search", AT, true, 0));
    d.send(shadow("b:shadow", "search", AT, true, 0));
    d.send(shadow("c:shadow", "other", AT, false, 0));
    d.send(shadow("d:shadow", "search", AT, false, 0));
    assertThat(d.pauses.isEmpty()).isTrue();

    d.send(shadow("e:shadow", "search", AT, true, 0));

    SemanticPause paused = d.pauses.readValue();
    assertThat(paused.getTeam()).isEqualTo("search");
    assertThat(paused.getPaused()).isTrue();
    assertThat(paused.getDecidedBy()).isEqualTo(FalseHitWatch.AGGREGATOR);
    assertThat(paused.getReason()).contains("25.0% (1 of the last 4 shadowed hits)");
    Alert alert = d.alerts.readValue();
    assertThat(alert.getKind()).isEqualTo(AlertKind.FALSE_HITS);
    assertThat(alert.getTeam()).isEqualTo("search");
    assertThat(alert.getMessage()).startsWith("team search's semantic mode paused");
    assertThat(d.metrics.registry().get("promptyard.usage.alerts").tag("kind", "FALSE_HITS"))
        .isNotNull();
    assertThat(
            d.metrics
                .registry()
                .get("promptyard.usage.shadow.verifications")
                .tags("team", "search", "answers", "disagree")
                .counter()
                .count())
        .isEqualTo(1);

    // 1 of the last 10 is 10%, over half the limit: the disagreement (the 3rd sample) has to leave
    // the window of 10, at the 13th
    for (String id : List.of("f", "g", "h", "i", "j", "k", "l", "m")) {
      d.send(shadow(id + ":shadow", "search", AT, true, 0));
    }
    assertThat(d.pauses.isEmpty()).isTrue();
    d.send(shadow("n:shadow", "search", AT, true, 0));

    SemanticPause resumed = d.pauses.readValue();
    assertThat(resumed.getPaused()).isFalse();
    assertThat(resumed.getDisagreements()).isZero();
    assertThat(d.alerts.isEmpty()).isTrue();
  }

  @Test
  void anOperatorsResetStartsTheTeamsSamplesAgain() {
    for (String id : List.of("a", "b", "c", "d")) {
      d.send(shadow(id + ":shadow", "search", AT, false, 0));
    }
    assertThat(d.pauses.readValue().getPaused()).isTrue();

    d.send(
        SemanticPause.newBuilder()
            .setTeam("search")
            .setPaused(false)
            .setDecidedBy(FalseHitWatch.OPERATOR)
            .setReason("reset by an operator")
            .setDecidedAt(AT.plusSeconds(60))
            .build());
    d.pauses.readValuesToList(); // the operator's record itself
    for (String id : List.of("e", "f", "g")) {
      d.send(shadow(id + ":shadow", "search", AT.plusSeconds(120), false, 0));
    }

    // three disagreements since the reset are under the minimum of four: no new pause yet
    assertThat(d.pauses.isEmpty()).isTrue();
    KeyValueStore<String, String> windows =
        d.driver.getKeyValueStore(UsageTopology.FALSE_HITS_STORE);
    assertThat(windows.get("search")).isEqualTo("R111");
  }
}

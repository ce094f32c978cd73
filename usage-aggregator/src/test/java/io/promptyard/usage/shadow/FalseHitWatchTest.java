package io.promptyard.usage.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.AlertKind;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The observed false-hit rate per team, and when it pauses and resumes semantic mode. */
class FalseHitWatchTest {

  private static final Instant AT = Instant.parse("2026-12-07T10:00:00Z");
  // 10% limit, decisions from 10 samples on, over the last 20
  private static final FalseHitPolicy POLICY =
      new FalseHitPolicy(0.10, Map.of("strict", 0.0), 10, 20);

  private KeyValueStore<String, String> store;
  private FalseHitWatch watch;

  @BeforeEach
  void setUp() {
    store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("windows"), Serdes.String(), Serdes.String())
            .withLoggingDisabled()
            .build();
    store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    watch = new FalseHitWatch(store, POLICY);
  }

  @Test
  void noDecisionIsTakenOnFewerSamplesThanTheMinimum() {
    for (int i = 0; i < 9; i++) {
      assertThat(watch.sample("search", false, AT)).isEmpty();
    }
    assertThat(watch.window("search").disagreements()).isEqualTo(9);
    assertThat(watch.window("search").paused()).isFalse();
  }

  @Test
  void aTeamOverItsLimitIsPausedOnceWithAnAlert() {
    for (int i = 0; i < 8; i++) {
      assertThat(watch.sample("search", true, AT)).isEmpty();
    }
    assertThat(watch.sample("search", false, AT)).isEmpty();
    Optional<FalseHitWatch.Decision> tenth = watch.sample("search", false, AT);

    assertThat(tenth).isPresent();
    assertThat(tenth.get().pause().getPaused()).isTrue();
    assertThat(tenth.get().pause().getSamples()).isEqualTo(10);
    assertThat(tenth.get().pause().getDisagreements()).isEqualTo(2);
    assertThat(tenth.get().pause().getReason())
        .isEqualTo(
            "semantic mode paused: observed false-hit rate 20.0% (2 of the last 10 shadowed hits)"
                + " over the limit 10.0%");
    assertThat(tenth.get().alert()).isPresent();
    assertThat(tenth.get().alert().get().getKind()).isEqualTo(AlertKind.FALSE_HITS);
    assertThat(tenth.get().alert().get().getFalseHitRate()).isEqualTo(0.2);
    assertThat(tenth.get().alert().get().getFalseHitLimit()).isEqualTo(0.1);
    // still over the limit: no second pause, no second alert
    assertThat(watch.sample("search", false, AT)).isEmpty();
    assertThat(watch.window("search").paused()).isTrue();
  }

  @Test
  void aRateAtTheLimitIsNotOverIt() {
    watch.sample("search", false, AT);
    for (int i = 0; i < 9; i++) {
      assertThat(watch.sample("search", true, AT)).isEmpty();
    }
    assertThat(watch.window("search").rate()).isEqualTo(0.1);
    assertThat(watch.window("search").paused()).isFalse();
  }

  @Test
  void aPausedTeamResumesWhenItsRateOverTheWindowFallsToHalfItsLimit() {
    for (int i = 0; i < 5; i++) {
      watch.sample("search", false, AT);
    }
    for (int i = 0; i < 5; i++) {
      watch.sample("search", true, AT);
    }
    assertThat(watch.window("search").paused()).isTrue();

    // the window holds 20: the 5 disagreements leave it after 15 more agreements; 1 of 20 is 5%
    Optional<FalseHitWatch.Decision> resumed = Optional.empty();
    int agreements = 0;
    while (resumed.isEmpty()) {
      resumed = watch.sample("search", true, AT);
      agreements++;
    }
    assertThat(agreements).isEqualTo(14);
    assertThat(resumed.get().pause().getPaused()).isFalse();
    assertThat(resumed.get().pause().getDisagreements()).isEqualTo(1);
    assertThat(resumed.get().alert()).isEmpty();
    assertThat(watch.window("search").paused()).isFalse();
  }

  @Test
  void aTeamsOwnLimitAppliesAndOtherTeamsAreUntouched() {
    for (int i = 0; i < 9; i++) {
      watch.sample("strict", true, AT);
      watch.sample("search", true, AT);
    }
    Optional<FalseHitWatch.Decision> strict = watch.sample("strict", false, AT);

    assertThat(strict).isPresent();
    assertThat(strict.get().pause().getLimit()).isZero();
    assertThat(watch.window("search").paused()).isFalse();
  }

  @Test
  void anOperatorsResetForgetsTheSamplesAndThePause() {
    for (int i = 0; i < 10; i++) {
      watch.sample("search", false, AT);
    }
    assertThat(watch.window("search").paused()).isTrue();

    watch.reset("search");

    assertThat(watch.window("search")).isEqualTo(FalseHitWindow.EMPTY);
    assertThat(watch.sample("search", false, AT)).isEmpty();
  }

  @Test
  void aWindowKeepsOnlyItsMostRecentOutcomesAndSurvivesItsEncoding() {
    FalseHitWindow w = FalseHitWindow.EMPTY;
    for (int i = 0; i < 5; i++) {
      w = w.add(i < 2, 3);
    }
    assertThat(w.outcomes()).isEqualTo("000");
    FalseHitWindow paused = w.add(true, 3).paused(true);
    assertThat(FalseHitWindow.decode(paused.encode())).isEqualTo(paused);
    assertThat(FalseHitWindow.decode(null)).isEqualTo(FalseHitWindow.EMPTY);
  }
}

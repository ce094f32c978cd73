package io.promptyard.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Which semantic hits are shadowed: by request id alone, in the share set for the team. */
class ShadowSettingsTest {

  @Test
  void aRequestIdIsAlwaysChosenOrNeverAtTheSameShare() {
    // the first 8 bytes of SHA-256 as a fraction: req-21 0.0243, req-7 0.0302, req-1 0.580
    assertThat(ShadowSettings.position("req-21")).isBetween(0.0242, 0.0244);
    ShadowSettings fivePercent = new ShadowSettings(0.05, Map.of());

    assertThat(ShadowSettings.DEFAULT.shadows("search", "req-21")).isTrue();
    assertThat(ShadowSettings.DEFAULT.shadows("search", "req-21")).isTrue();
    assertThat(ShadowSettings.DEFAULT.shadows("search", "req-7")).isFalse();
    assertThat(fivePercent.shadows("search", "req-7")).isTrue();
    assertThat(fivePercent.shadows("search", "req-1")).isFalse();
  }

  @Test
  void aboutTheShareOfRequestsIsChosen() {
    long chosen =
        IntStream.range(0, 20_000)
            .filter(i -> ShadowSettings.DEFAULT.shadows("search", "request-" + i))
            .count();

    assertThat(chosen).isBetween(500L, 700L); // 3% of 20,000 is 600
  }

  @Test
  void aTeamsOwnShareOverridesTheDefaultAndTheBoundsAreExact() {
    ShadowSettings settings = new ShadowSettings(0.03, Map.of("audit", 1.0, "quiet", 0.0));

    assertThat(IntStream.range(0, 1_000).allMatch(i -> settings.shadows("audit", "r" + i)))
        .isTrue();
    assertThat(IntStream.range(0, 1_000).noneMatch(i -> settings.shadows("quiet", "r" + i)))
        .isTrue();
    assertThat(settings.fractionOf("search")).isEqualTo(0.03);
  }
}

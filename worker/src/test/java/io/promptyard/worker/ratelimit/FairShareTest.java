package io.promptyard.worker.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.TeamQuota;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Which teams share a provider's limit, and in what proportions, as {@link FairShare} says. */
class FairShareTest {

  private static final long TTL = 6_000_000_000L;

  private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
  private final TeamQuotas quotas = new TeamQuotas();
  private final FairShare fair = new FairShare(quotas, now::get, TTL);

  @Test
  void aTeamAloneHasTheWholeLimit() {
    fair.asked("openai", "batch");

    assertThat(fair.stretch("openai", "batch")).isEqualTo(1.0);
  }

  @Test
  void teamsOfEqualWeightWaitingForOneProviderHaveHalfEach() {
    fair.asked("openai", "batch");
    fair.asked("openai", "search");

    assertThat(fair.stretch("openai", "batch")).isEqualTo(2.0);
    assertThat(fair.stretch("openai", "search")).isEqualTo(2.0);
  }

  @Test
  void weightsSplitTheLimitInProportion() {
    quotas.put(quota("search", null, 3));
    fair.asked("openai", "batch");
    fair.asked("openai", "search");

    assertThat(fair.stretch("openai", "search")).as("3/4 of the limit").isEqualTo(4.0 / 3);
    assertThat(fair.stretch("openai", "batch")).as("1/4 of the limit").isEqualTo(4.0);
  }

  @Test
  void aTeamWaitingForAnotherProviderTakesNothingFromThisOne() {
    fair.asked("openai", "batch");
    fair.asked("anthropic", "search");

    assertThat(fair.stretch("openai", "batch")).isEqualTo(1.0);
  }

  @Test
  void teamsWaitingOnOtherWorkersCount() {
    fair.asked("openai", "batch");
    fair.heard(Set.of("openai|batch", "openai|search", "anthropic|legal"));

    assertThat(fair.stretch("openai", "batch")).isEqualTo(2.0);
    assertThat(fair.announced()).containsExactly("openai|batch");
  }

  @Test
  void aTeamThatStoppedAskingGivesItsShareBack() {
    fair.asked("openai", "search");
    now.addAndGet(TTL / 2);
    fair.asked("openai", "batch");
    assertThat(fair.stretch("openai", "batch")).isEqualTo(2.0);

    now.addAndGet(TTL / 2 + 1);

    assertThat(fair.stretch("openai", "batch")).as("work-conserving").isEqualTo(1.0);
    assertThat(fair.announced()).containsExactly("openai|batch");
  }

  @Test
  void aProvidersWeightOverridesTheTeamWideOne() {
    quotas.put(quota("search", null, 3));
    quotas.put(quota("search", "openai", 1));

    assertThat(quotas.weight("search", "openai")).isEqualTo(1);
    assertThat(quotas.weight("search", "anthropic")).isEqualTo(3);
    assertThat(quotas.weight("legal", "openai")).isEqualTo(TeamQuotas.DEFAULT_WEIGHT);
  }

  private static TeamQuota quota(String team, String provider, Integer weight) {
    return TeamQuota.newBuilder()
        .setTeam(team)
        .setProvider(provider)
        .setWeight(weight)
        .setUpdatedAt(Instant.EPOCH)
        .build();
  }
}

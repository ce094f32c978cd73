package io.promptyard.worker.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.TeamQuota;
import io.promptyard.worker.ratelimit.BucketStore.Draw;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A team's turns: its quota arithmetic, and how teams with a backlog share a provider's limit when
 * their calls take turns as the {@link RateLimiter} takes them (the team's buckets, then the
 * provider's), simulated on the in-JVM bucket store under a test clock.
 */
class TeamTurnsTest {

  private static final long SECOND = 1_000_000L;

  /** 600 requests a minute: a turn every 100 ms. */
  private static final long PROVIDER_INTERVAL = TeamTurns.interval(600);

  private final TeamQuotas quotas = new TeamQuotas();
  private long nowMicros;

  @Test
  void aQuotaPerMinuteIsATurnEveryMinuteOverItAndTokensAreDrawnByTheEstimate() {
    quotas.put(quota("search", null, 120, 60_000, null));
    quotas.put(quota("search", "openai", 30, 0, null));
    TeamTurns turns = turns(false);

    TeamTurns.Turn turn = turns.turn("search", "openai", 0, 0, 500);

    assertThat(turn.share()).as("fair shares off").isEmpty();
    assertThat(turn.quota())
        .containsExactlyInAnyOrder(
            new Draw("p:{team:search}:requests", 500_000, 1),
            new Draw("p:{team:search}:tokens", 1_000, 500),
            new Draw("p:{team:search}:openai:requests", 2_000_000, 1));
    assertThat(turn.hold()).isEqualTo("p:{team:search}:hold");
  }

  @Test
  void aTurnGivenBackOrCorrectedTouchesOnlyWhatItDrew() {
    quotas.put(quota("search", null, 120, 60_000, null));
    TeamTurns.Turn turn = turns(false).turn("search", "openai", 0, 0, 500);

    assertThat(TeamTurns.Turn.refund(turn.quota()))
        .extracting(BucketStore.Adjust::delta)
        .containsExactlyInAnyOrder(-1L, -500L);
    assertThat(turn.tokens(-200))
        .singleElement()
        .satisfies(a -> assertThat(a.key()).isEqualTo("p:{team:search}:tokens"))
        .satisfies(a -> assertThat(a.delta()).isEqualTo(-200));
    assertThat(turn.tokens(0)).isEmpty();
  }

  @Test
  void aTeamWithoutQuotaOnAnUnlimitedProviderDrawsNothing() {
    assertThat(turns(true).turn("search", "openai", 0, 0, 500).isEmpty()).isTrue();
    assertThat(turns(false).turn("search", "openai", PROVIDER_INTERVAL, 0, 500).isEmpty())
        .as("fair shares off")
        .isTrue();
  }

  @Test
  void aTeamWithABacklogAloneGetsTheWholeLimit() {
    Map<String, Integer> calls = simulate(true, Map.of("batch", 50), 60);

    assertThat(calls.get("batch")).isBetween(590, 610);
  }

  @Test
  void aTeamsShareOfTheLimitIsItsWeightOverTheWaitingTeamsWeights() {
    FairShare fair = new FairShare(quotas, () -> 0, Long.MAX_VALUE);
    fair.asked("openai", "interactive");
    TeamTurns turns = new TeamTurns(quotas, fair, "p:", true);

    TeamTurns.Turn turn = turns.turn("batch", "openai", PROVIDER_INTERVAL, 1_000, 500);

    assertThat(turn.share())
        .containsExactly(
            new Draw("p:{team:batch}:openai:share:requests", 2 * PROVIDER_INTERVAL, 1),
            new Draw("p:{team:batch}:openai:share:tokens", 2_000, 500));
  }

  @Test
  void twoTeamsOfEqualWeightShareTheLimitWhateverTheirBacklog() {
    Map<String, Integer> calls = simulate(true, Map.of("batch", 200, "interactive", 5), 60);

    assertThat(calls.get("interactive")).isBetween(285, 315);
    assertThat(calls.get("batch") + calls.get("interactive")).isBetween(590, 610);
  }

  @Test
  void weightsSplitTheLimitInProportion() {
    quotas.put(quota("interactive", null, 0, 0, 3));

    Map<String, Integer> calls = simulate(true, Map.of("batch", 200, "interactive", 50), 60);

    assertThat(calls.get("interactive")).isBetween(435, 465);
    assertThat(calls.get("batch")).isBetween(135, 165);
  }

  @Test
  void withoutFairSharesTheTeamWithMoreCallsWaitingTakesMostTurns() {
    Map<String, Integer> calls = simulate(false, Map.of("batch", 200, "interactive", 5), 60);

    assertThat(calls.get("interactive")).isLessThan(30);
  }

  @Test
  void whatATeamDoesNotUseOfItsShareGoesToTheOthers() {
    Map<String, Integer> calls = simulate(true, Map.of("batch", 200, "interactive", 1), 60);

    assertThat(calls.get("batch") + calls.get("interactive")).isBetween(590, 610);
  }

  @Test
  void aTeamsQuotaHoldsItBelowTheProvidersLimit() {
    quotas.put(quota("batch", "openai", 120, 0, null));

    Map<String, Integer> calls = simulate(true, Map.of("batch", 50, "interactive", 50), 60);

    assertThat(calls.get("batch")).isBetween(115, 125);
    assertThat(calls.get("interactive")).as("the rest of the limit").isBetween(470, 490);
  }

  private TeamTurns turns(boolean fairShare) {
    FairShare fair = new FairShare(quotas, () -> nowMicros * 1000, 6 * SECOND * 1000);
    return new TeamTurns(quotas, fair, "p:", fairShare);
  }

  /**
   * Runs {@code seconds} of calls to one provider limited to 600 a minute: each team has as many
   * calls asking at once as {@code askers} says, each asking again as soon as its call was made; a
   * call takes its quota turn, then its share turn and sleeps until {@link
   * RateLimiter#FAIR_HORIZON} before it (or takes a provider turn free meanwhile, looked for once a
   * horizon, giving the share turn back), then takes the provider's, as the limiter does. Returns
   * the calls each team made.
   */
  private Map<String, Integer> simulate(boolean fair, Map<String, Integer> askers, int seconds) {
    TeamTurns turns = turns(fair);
    // No burst: the test measures the steady shares.
    LocalBucketStore store = new LocalBucketStore(1, false, () -> nowMicros, PROVIDER_INTERVAL);
    long horizon = RateLimiter.FAIR_HORIZON.toNanos() / 1000;
    // phase 0: the quota turn is next; 1: the share turn; 3: waiting for the share turn at
    // shareAt, looking for a free provider turn once a horizon; 2: the provider's turn
    record Ask(long at, String team, int phase, TeamTurns.Turn turn, long shareAt) {}
    PriorityQueue<Ask> asks = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
    askers.forEach(
        (team, n) -> {
          for (int i = 0; i < n; i++) {
            asks.add(new Ask(0, team, 0, null, 0));
          }
        });
    Map<String, Integer> calls = new TreeMap<>();
    askers.keySet().forEach(t -> calls.put(t, 0));
    List<Draw> provider = List.of(new Draw("p:{openai}:requests", PROVIDER_INTERVAL, 1));
    while (!asks.isEmpty() && asks.peek().at < seconds * SECOND) {
      Ask ask = asks.poll();
      nowMicros = ask.at;
      long callAt;
      if (ask.phase == 0) {
        TeamTurns.Turn turn = turns.turn(ask.team, "openai", PROVIDER_INTERVAL, 0, 0);
        long quota = store.reserve("p:hold", turn.quota(), Long.MAX_VALUE).waitMicros();
        asks.add(new Ask(ask.at + quota, ask.team, 1, turn, 0));
        continue;
      } else if (ask.phase == 1 || ask.phase == 3) {
        long shareAt =
            ask.phase == 3
                ? ask.shareAt
                : ask.at + store.reserve("p:hold", ask.turn.share(), Long.MAX_VALUE).waitMicros();
        long left = shareAt - ask.at;
        if (left <= horizon) {
          asks.add(new Ask(ask.at, ask.team, 2, ask.turn, shareAt));
          continue;
        }
        if (!store.reserve("p:{openai}:hold", provider, 0).granted()) {
          asks.add(
              new Ask(ask.at + Math.min(left - horizon, horizon), ask.team, 3, ask.turn, shareAt));
          continue;
        }
        store.settle("p:hold", 0, TeamTurns.Turn.refund(ask.turn.share()));
        callAt = ask.at;
      } else {
        callAt = ask.at + store.reserve("p:{openai}:hold", provider, Long.MAX_VALUE).waitMicros();
      }
      if (callAt < seconds * SECOND) {
        calls.merge(ask.team, 1, Integer::sum);
      }
      asks.add(new Ask(callAt, ask.team, 0, null, 0));
    }
    return calls;
  }

  private static TeamQuota quota(String team, String provider, long rpm, long tpm, Integer weight) {
    return TeamQuota.newBuilder()
        .setTeam(team)
        .setProvider(provider)
        .setRequestsPerMinute(rpm)
        .setTokensPerMinute(tpm)
        .setWeight(weight)
        .setUpdatedAt(Instant.EPOCH)
        .build();
  }
}

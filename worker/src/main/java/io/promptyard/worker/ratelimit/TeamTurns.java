package io.promptyard.worker.ratelimit;

import io.promptyard.schemas.TeamQuota;
import io.promptyard.worker.ratelimit.BucketStore.Adjust;
import io.promptyard.worker.ratelimit.BucketStore.Draw;
import java.util.ArrayList;
import java.util.List;

/**
 * The team's side of a call's turn, drawn before the provider's: its requests- and
 * tokens-per-minute quotas (over all providers, and for this provider) and its weighted share of
 * the provider's limit. All of a team's buckets share one Redis Cluster hash tag, {@code
 * <prefix>{team:<team>}:}, so one script takes them together: {@code …:requests} and {@code
 * …:tokens} for the team-wide quota, {@code …:<provider>:requests} and {@code …:tokens} for the
 * provider's, {@code …:<provider>:share:requests} and {@code …:tokens} for the fair share.
 *
 * <p>Quotas are hard: a call waits for its quota turn whatever else is free. The fair-share buckets
 * refill at the provider's own rate stretched by {@link FairShare#stretch}: a team alone refills at
 * the provider's rate (its share bucket follows the provider's and holds nothing back); with a
 * second team of equal weight waiting, at half of it. They are soft: the {@link RateLimiter} lets a
 * call whose share turn is still far take a provider turn that is free now, and gives the share
 * turn back, so that what one team leaves unused goes to the others (the sharing is
 * work-conserving).
 */
final class TeamTurns {

  private final TeamQuotas quotas;
  private final FairShare fair;
  private final String keyPrefix;
  private final boolean fairShare;

  TeamTurns(TeamQuotas quotas, FairShare fair, String keyPrefix, boolean fairShare) {
    this.quotas = quotas;
    this.fair = fair;
    this.keyPrefix = keyPrefix;
    this.fairShare = fairShare;
  }

  /**
   * The draws of one call of {@code team} on {@code provider}, whose limits refill a unit every
   * {@code requestInterval} and {@code tokenInterval} µs (0: unlimited); none when the team has no
   * quota and the provider no limit.
   */
  Turn turn(String team, String provider, long requestInterval, long tokenInterval, long tokens) {
    String tag = keyPrefix + "{team:" + team + "}:";
    List<Draw> quota = new ArrayList<>(4);
    quota(quota, quotas.teamWide(team), tag, tokens);
    quota(quota, quotas.forProvider(team, provider), tag + provider + ":", tokens);
    List<Draw> share = new ArrayList<>(2);
    if (fairShare && (requestInterval > 0 || tokenInterval > 0)) {
      fair.asked(provider, team);
      double stretch = fair.stretch(provider, team);
      String prefix = tag + provider + ":share:";
      if (requestInterval > 0) {
        share.add(new Draw(prefix + "requests", stretched(requestInterval, stretch), 1));
      }
      if (tokenInterval > 0 && tokens > 0) {
        share.add(new Draw(prefix + "tokens", stretched(tokenInterval, stretch), tokens));
      }
    }
    return new Turn(tag + "hold", List.copyOf(quota), List.copyOf(share));
  }

  private static void quota(List<Draw> draws, TeamQuota quota, String prefix, long tokens) {
    if (quota == null) {
      return;
    }
    if (quota.getRequestsPerMinute() > 0) {
      draws.add(new Draw(prefix + "requests", interval(quota.getRequestsPerMinute()), 1));
    }
    if (quota.getTokensPerMinute() > 0 && tokens > 0) {
      draws.add(new Draw(prefix + "tokens", interval(quota.getTokensPerMinute()), tokens));
    }
  }

  /** The refill interval of a per-minute limit, rounded up (never faster than the limit). */
  static long interval(long perMinute) {
    return perMinute <= 0
        ? 0
        : Math.max(1, (long) Math.ceil((double) RateLimiter.PERIOD_MICROS / perMinute));
  }

  static long stretched(long interval, double stretch) {
    return Math.max(1, (long) Math.ceil(interval * stretch));
  }

  /**
   * A call's draws on its team's buckets (its quotas, its share), and the key of the hold the
   * store's scripts take (never set: quotas and shares are not held by a provider's 429).
   */
  record Turn(String hold, List<Draw> quota, List<Draw> share) {

    /**
     * No team buckets: a call without a team, or a team without quotas on an unlimited provider.
     */
    static final Turn NONE = new Turn(null, List.of(), List.of());

    boolean isEmpty() {
      return quota.isEmpty() && share.isEmpty();
    }

    /** The same turn without its share: given back for a provider turn that was free. */
    Turn withoutShare() {
      return new Turn(hold, quota, List.of());
    }

    /** Gives {@code draws} back: their call was not made on them. */
    static List<Adjust> refund(List<Draw> draws) {
      return draws.stream()
          .map(d -> new Adjust(d.key(), d.intervalMicros(), -d.cost(), -1))
          .toList();
    }

    /** Charges (or refunds) {@code delta} tokens on the token buckets. */
    List<Adjust> tokens(long delta) {
      if (delta == 0) {
        return List.of();
      }
      return java.util.stream.Stream.concat(quota.stream(), share.stream())
          .filter(d -> d.key().endsWith(":tokens"))
          .map(d -> new Adjust(d.key(), d.intervalMicros(), delta, -1))
          .toList();
    }
  }
}

package io.promptyard.worker.ratelimit;

import io.promptyard.schemas.TeamQuota;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every team's rate quotas and fair-share weight, as the compacted quotas topic last said: a
 * team-wide record (key {@code team}) and one per provider (key {@code team/provider}). Read by the
 * {@link RateLimiter} on every call, written by the {@link QuotaTopic} reader; thread-safe.
 */
public final class TeamQuotas {

  /** A team with no weight set has this one. */
  public static final int DEFAULT_WEIGHT = 1;

  private final Map<String, TeamQuota> byKey = new ConcurrentHashMap<>();

  /** A table with no quotas: every team unlimited, of weight 1. */
  public TeamQuotas() {}

  /** The topic key of a quota: the team, or {@code team/provider} for one provider's. */
  public static String key(String team, String provider) {
    return provider == null ? team : team + "/" + provider;
  }

  /** Applies a record of the quotas topic: the latest value of its key. */
  public void put(TeamQuota quota) {
    byKey.put(key(quota.getTeam(), quota.getProvider()), quota);
  }

  /** Applies a tombstone: the key's quota is gone. */
  public void remove(String key) {
    byKey.remove(key);
  }

  /** The team's quota over all providers together; null when none is set. */
  public TeamQuota teamWide(String team) {
    return byKey.get(team);
  }

  /** The team's quota for one provider; null when none is set. */
  public TeamQuota forProvider(String team, String provider) {
    return byKey.get(key(team, provider));
  }

  /**
   * The team's weight in sharing {@code provider}'s limit: the provider record's weight, else the
   * team-wide record's, else {@value #DEFAULT_WEIGHT}.
   */
  public int weight(String team, String provider) {
    TeamQuota own = forProvider(team, provider);
    if (own != null && own.getWeight() != null) {
      return Math.max(1, own.getWeight());
    }
    TeamQuota wide = teamWide(team);
    if (wide != null && wide.getWeight() != null) {
      return Math.max(1, wide.getWeight());
    }
    return DEFAULT_WEIGHT;
  }
}

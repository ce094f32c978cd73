package io.promptyard.worker.ratelimit;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Which teams are waiting for each provider's limit, here and on every other worker, and so each
 * team's weighted share of that limit: a team's share is its weight over the sum of the weights of
 * the teams waiting (itself included). A team alone has the whole limit (the share is
 * work-conserving); a team stops counting once no worker has seen it ask for a turn within {@code
 * ttlNanos}.
 *
 * <p>This worker's teams are known at once, when they ask; the other workers' come from the shared
 * set the {@link RateLimiter}'s heartbeat exchanges with Redis ({@link #announced}, {@link
 * #heard}). Thread-safe.
 */
final class FairShare {

  /** Separates provider and team in a member of the shared set; provider names have none. */
  static final char SEPARATOR = '|';

  private final TeamQuotas quotas;
  private final LongSupplier nanos;
  private final long ttlNanos;

  /** When each {@code provider|team} of this worker last asked for a turn. */
  private final Map<String, Long> asked = new ConcurrentHashMap<>();

  /** The {@code provider|team} members every worker announced, as Redis last answered. */
  private volatile Set<String> everywhere = Set.of();

  /**
   * @param ttlNanos how long after its last ask a team still counts as waiting
   */
  FairShare(TeamQuotas quotas, LongSupplier nanos, long ttlNanos) {
    this.quotas = quotas;
    this.nanos = nanos;
    this.ttlNanos = ttlNanos;
  }

  /** {@code team} asks for a turn of {@code provider}'s limit now. */
  void asked(String provider, String team) {
    asked.put(member(provider, team), nanos.getAsLong());
  }

  /**
   * How many times longer than the limit's own interval {@code team}'s turns are apart: the weights
   * of the teams waiting for {@code provider} over the team's weight (1 when it is alone).
   */
  double stretch(String provider, String team) {
    Set<String> waiting = new HashSet<>(everywhere);
    long now = nanos.getAsLong();
    asked.forEach(
        (member, at) -> {
          if (now - at <= ttlNanos) {
            waiting.add(member);
          }
        });
    waiting.add(member(provider, team));
    String prefix = provider + SEPARATOR;
    long total = 0;
    for (String member : waiting) {
      if (member.startsWith(prefix)) {
        total += quotas.weight(member.substring(prefix.length()), provider);
      }
    }
    return (double) total / quotas.weight(team, provider);
  }

  /** This worker's members that asked within the ttl, for the heartbeat to announce. */
  List<String> announced() {
    long now = nanos.getAsLong();
    asked.entrySet().removeIf(e -> now - e.getValue() > ttlNanos);
    return List.copyOf(asked.keySet());
  }

  /** Every worker's members, as the heartbeat read them from Redis. */
  void heard(Set<String> members) {
    everywhere = Set.copyOf(members);
  }

  static String member(String provider, String team) {
    return provider + SEPARATOR + team;
  }
}

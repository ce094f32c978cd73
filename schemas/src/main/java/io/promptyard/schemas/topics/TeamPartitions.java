package io.promptyard.schemas.topics;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;

/**
 * Which partitions of a provider's job topics (route, interactive and retry) a team's jobs go to: a
 * few adjacent partitions starting at one chosen from the team's name, so that one team's backlog
 * does not stand in front of another team's jobs in every partition (share consumers fetch the
 * partitions in turn, so a team whose partitions hold no backlog is reached at once). Within its
 * partitions a team's jobs are spread by request id, as the default partitioner spreads them.
 *
 * @param spread how many partitions a team's jobs go to; 0 (or at least the topic's partitions):
 *     every partition, by request id, with no team kept apart
 * @param teams teams placed otherwise
 */
public record TeamPartitions(int spread, Map<String, Placement> teams) {

  /** Two partitions a team, each team's chosen from its name. */
  public static final TeamPartitions DEFAULT = new TeamPartitions(2, Map.of());

  /** Every job to any partition by its request id, as Kafka's default partitioner does. */
  public static final TeamPartitions BY_REQUEST_ID = new TeamPartitions(0, Map.of());

  /**
   * One team's placement.
   *
   * @param count how many partitions (0: every partition)
   * @param first the first of them; -1 to choose it from the team's name
   */
  public record Placement(int count, int first) {
    public Placement {
      if (count < 0 || first < -1) {
        throw new IllegalArgumentException(
            "a team's partitions must be a count of at least 0 and a first partition of at least"
                + " 0, not "
                + count
                + "@"
                + first);
      }
    }
  }

  public TeamPartitions {
    if (spread < 0) {
      throw new IllegalArgumentException("a team's partitions cannot be negative: " + spread);
    }
    teams = Map.copyOf(teams);
  }

  /**
   * Parses per-team placements, each {@code team=N} ({@code N} partitions from the one chosen from
   * the name) or {@code team=N@P} ({@code N} partitions from partition {@code P}).
   */
  public static Map<String, Placement> parse(List<String> pairs) {
    Map<String, Placement> teams = new LinkedHashMap<>();
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("'" + pair + "' is not team=N or team=N@P");
      }
      String value = pair.substring(eq + 1).trim();
      int at = value.indexOf('@');
      try {
        teams.put(
            pair.substring(0, eq).trim(),
            at < 0
                ? new Placement(Integer.parseInt(value), -1)
                : new Placement(
                    Integer.parseInt(value.substring(0, at).trim()),
                    Integer.parseInt(value.substring(at + 1).trim())));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + pair + "' is not team=N or team=N@P");
      }
    }
    return teams;
  }

  /** The partition of a job of {@code team} with {@code requestId} on a topic of this many. */
  public int partition(String team, String requestId, int partitions) {
    int byId = hash(requestId);
    Placement own = teams.get(team);
    int count = own == null ? spread : own.count();
    if (count == 0 || count >= partitions) {
      return byId % partitions;
    }
    int first = own == null || own.first() < 0 ? hash(team) % partitions : own.first();
    return (first + byId % count) % partitions;
  }

  /** Kafka's default partitioner's hash of a string key, so that spreading by id is unchanged. */
  private static int hash(String key) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8)));
  }
}

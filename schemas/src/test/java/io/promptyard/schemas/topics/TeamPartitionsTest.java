package io.promptyard.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** Which partitions of a provider topic each team's jobs go to. */
class TeamPartitionsTest {

  @Test
  void aTeamsJobsGoToItsOwnFewAdjacentPartitions() {
    Set<Integer> used = partitionsOf(TeamPartitions.DEFAULT, "batch-jobs", 12);

    assertThat(used).hasSize(2);
    int first = used.iterator().next();
    assertThat(used).containsAnyOf((first + 1) % 12, (first + 11) % 12);
  }

  @Test
  void anExplicitPlacementKeepsATeamApartFromTheOthers() {
    TeamPartitions partitions =
        new TeamPartitions(2, TeamPartitions.parse(List.of("batch-jobs=4@0", "search=1@5")));

    assertThat(partitionsOf(partitions, "batch-jobs", 6)).containsExactly(0, 1, 2, 3);
    assertThat(partitionsOf(partitions, "search", 6)).containsExactly(5);
  }

  @Test
  void spreadingOverEveryPartitionIsTheDefaultPartitionersChoice() {
    for (String id : List.of("a", "req-17", "4f1c")) {
      int byKafka = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % 6;
      assertThat(TeamPartitions.BY_REQUEST_ID.partition("batch", id, 6)).isEqualTo(byKafka);
      assertThat(new TeamPartitions(6, Map.of()).partition("batch", id, 6)).isEqualTo(byKafka);
    }
  }

  @Test
  void aPlacementThatIsNotCountAtFirstIsRefused() {
    assertThatThrownBy(() -> TeamPartitions.parse(List.of("batch=two")))
        .hasMessageContaining("'batch=two' is not team=N or team=N@P");
    assertThatThrownBy(() -> TeamPartitions.parse(List.of("batch=-1")))
        .hasMessageContaining("at least 0");
  }

  private static Set<Integer> partitionsOf(TeamPartitions partitions, String team, int count) {
    return IntStream.range(0, 2_000)
        .mapToObj(i -> partitions.partition(team, team + "-" + i, count))
        .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
  }
}

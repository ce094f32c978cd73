package io.promptyard.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.topics.TopicProvisioner.Replication;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicProvisionerTest {

  @Test
  void unconfiguredReplicationIsThreeAtMostAndMinInSyncOneLessButAtLeastOne() {
    assertThat(Replication.of(1, Optional.empty(), Optional.empty()))
        .isEqualTo(new Replication((short) 1, 1));
    assertThat(Replication.of(2, Optional.empty(), Optional.empty()))
        .isEqualTo(new Replication((short) 2, 1));
    assertThat(Replication.of(3, Optional.empty(), Optional.empty()))
        .isEqualTo(new Replication((short) 3, 2));
    assertThat(Replication.of(9, Optional.empty(), Optional.empty()))
        .isEqualTo(new Replication((short) 3, 2));
  }

  @Test
  void aConfiguredFactorIsKeptWhateverTheClusterSizeAndMinInSyncFollowsIt() {
    assertThat(Replication.of(9, Optional.of((short) 5), Optional.empty()))
        .isEqualTo(new Replication((short) 5, 4));
    assertThat(Replication.of(3, Optional.of((short) 1), Optional.empty()))
        .isEqualTo(new Replication((short) 1, 1));
  }

  @Test
  void aConfiguredMinInSyncIsKept() {
    assertThat(Replication.of(3, Optional.empty(), Optional.of(1)))
        .isEqualTo(new Replication((short) 3, 1));
    assertThat(Replication.of(3, Optional.of((short) 3), Optional.of(3)))
        .isEqualTo(new Replication((short) 3, 3));
  }

  @Test
  void aMinInSyncAboveTheFactorIsRefusedWithBothFigures() {
    assertThatThrownBy(() -> Replication.of(2, Optional.empty(), Optional.of(3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("min.insync.replicas 3 is more than the replication factor 2");
    assertThatThrownBy(() -> new TopicProvisioner(3, Optional.of((short) 1), Optional.of(2)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFixedFactorProvisionerDoesNotAskTheClusterItsSize() {
    // No admin client at all: the cluster is not asked.
    assertThat(new TopicProvisioner(6, (short) 2).replication(null))
        .isEqualTo(new Replication((short) 2, 1));
  }
}

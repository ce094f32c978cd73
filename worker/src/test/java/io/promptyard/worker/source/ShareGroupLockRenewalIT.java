package io.promptyard.worker.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A job that runs longer than the share group's acquisition lock keeps its lock and is handled
 * once.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ShareGroupLockRenewalIT {

  /**
   * The shortest lock the broker allows by default ({@code
   * group.share.min.record.lock.duration.ms}).
   */
  private static final Duration LOCK = Duration.ofSeconds(15);

  private final EmbeddedKafka kafka;

  ShareGroupLockRenewalIT(EmbeddedKafka kafka) {
    this.kafka = kafka;
  }

  @Test
  void jobLongerThanTheLockIsNeitherRedeliveredNorAnsweredTwice() throws Exception {
    SlowProvider provider = new SlowProvider(LOCK.plusSeconds(5));
    try (SourceHarness h = new SourceHarness(kafka, provider)) {
      kafka.shareRecordLock(h.group, LOCK);
      // Two workers in a stable group; a lock let lapse would hand a running job to either of them
      // again. (A member joining mid-call moves partitions and ends the delivery, renewal or not:
      // see the source.)
      h.start(source(h));
      h.start(source(h));
      await().atMost(Duration.ofSeconds(30)).until(() -> members(h.group) == 2);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        ids.add(h.publishJob(i % 3));
      }

      await().atMost(Duration.ofSeconds(60)).until(() -> h.resultCounts().size() == ids.size());
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(5))
          .until(() -> h.resultCounts().values().stream().allMatch(n -> n == 1));
      assertThat(h.resultCounts())
          .containsOnlyKeys(ids)
          .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
      assertThat(provider.calls())
          .containsOnlyKeys(ids)
          .allSatisfy((id, n) -> assertThat(n).as("calls for %s", id).isEqualTo(1));
    }
  }

  private int members(String group) throws Exception {
    try (Admin admin = kafka.admin()) {
      return admin
          .describeShareGroups(List.of(group))
          .describedGroups()
          .get(group)
          .get(10, TimeUnit.SECONDS)
          .members()
          .size();
    } catch (java.util.concurrent.ExecutionException e) {
      return 0; // the group does not exist until its first member joined
    }
  }

  private ShareGroupJobSource source(SourceHarness h) {
    return new ShareGroupJobSource(
        KafkaClientProperties.bootstrapOnly(kafka.bootstrapServers()),
        h.group,
        h.topics.route("sim"),
        10,
        h.processor,
        h.publisher,
        h.jobs,
        4);
  }
}

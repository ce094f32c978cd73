package io.promptyard.worker.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.testkit.kafka.EmbeddedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A job that runs longer than the share group's acquisition lock keeps its lock and is handled once. */
class ShareGroupLockRenewalTest {

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void brokerWithShortLocks() {
    kafka = EmbeddedKafka.start(0, Map.of(
        "group.share.min.record.lock.duration.ms", "1000",
        "group.share.record.lock.duration.ms", "5000"));
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void jobLongerThanTheLockIsNeitherRedeliveredNorAnsweredTwice() throws Exception {
    SlowProvider provider = new SlowProvider(Duration.ofSeconds(12));
    try (SourceHarness h = new SourceHarness(kafka, provider)) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        ids.add(h.publishJob(i % 3));
      }

      for (int i = 0; i < 2; i++) {
        h.start(new ShareGroupJobSource(kafka.bootstrapServers(), h.group, h.topics.route("sim"), 10, h.processor,
            h.publisher, h.jobs, 4));
      }

      await().atMost(Duration.ofSeconds(60)).until(() -> h.resultCounts().size() == ids.size());
      // a lost lock would show up as a second call while the first is still running, and a second result after it
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
          .until(() -> h.resultCounts().values().stream().allMatch(n -> n == 1));
      assertThat(h.resultCounts()).containsOnlyKeys(ids).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
      assertThat(provider.calls()).containsOnlyKeys(ids).allSatisfy((id, n) -> assertThat(n).as("calls for %s", id).isEqualTo(1));
    }
  }
}

package io.promptyard.worker.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class ConsumerGroupJobSourceIT {

  private final EmbeddedKafka kafka;

  ConsumerGroupJobSourceIT(EmbeddedKafka kafka) {
    this.kafka = kafka;
  }

  @Test
  void slowJobDoesNotHoldBackTheJobsBehindItButHoldsBackTheCommit() throws Exception {
    try (SourceHarness h = new SourceHarness(kafka, new SlowProvider(Duration.ZERO))) {
      String slow = h.publishJob(0);
      h.provider.hold(slow);
      List<String> fast = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        fast.add(h.publishJob(0));
      }

      h.start(source(h));

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> h.resultCounts().keySet().containsAll(fast));
      assertThat(h.resultCounts()).doesNotContainKey(slow);
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(3))
          .until(() -> committed(h, 0) <= 0);

      h.provider.release(slow);

      await().atMost(Duration.ofSeconds(30)).until(() -> committed(h, 0) == 6);
      assertThat(h.resultCounts())
          .containsKey(slow)
          .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    }
  }

  @Test
  void restartReprocessesNothingCommittedAndLosesNothingUncommitted() throws Exception {
    try (SourceHarness h = new SourceHarness(kafka, new SlowProvider(Duration.ZERO))) {
      List<String> committedBefore = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        committedBefore.add(h.publishJob(1));
      }
      String slow = h.publishJob(0);
      h.provider.hold(slow);
      List<String> behindSlow = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        behindSlow.add(h.publishJob(0));
      }
      ConsumerGroupJobSource first = h.start(source(h));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> h.resultCounts().size() == 6 && committed(h, 1) == 3);
      assertThat(committed(h, 0)).isLessThanOrEqualTo(0);

      h.stop(first);
      h.provider.release(slow);
      await().atMost(Duration.ofSeconds(30)).until(() -> h.resultCounts().containsKey(slow));
      h.start(source(h));

      await().atMost(Duration.ofSeconds(30)).until(() -> committed(h, 0) == 4);
      assertThat(h.resultCounts())
          .hasSize(7)
          .allSatisfy((id, n) -> assertThat(n).as("results of %s", id).isEqualTo(1));
      assertThat(h.provider.calls())
          .hasSize(7)
          .allSatisfy((id, n) -> assertThat(n).as("calls for %s", id).isEqualTo(1));
      // committed jobs were not delivered again; the uncommitted ones were, and the ledger answered
      // them
      committedBefore.forEach(
          id -> assertThat(h.ledgerChecks(id)).as("deliveries of %s", id).isEqualTo(1));
      assertThat(h.ledgerChecks(slow)).isEqualTo(2);
      behindSlow.forEach(
          id -> assertThat(h.ledgerChecks(id)).as("deliveries of %s", id).isEqualTo(2));
    }
  }

  @Test
  void fullWindowPausesThePartitionUntilItsHeadFinishes() throws Exception {
    try (SourceHarness h = new SourceHarness(kafka, new SlowProvider(Duration.ZERO))) {
      String slow = h.publishJob(2);
      h.provider.hold(slow);
      List<String> rest = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        rest.add(h.publishJob(2));
      }

      h.start(
          new ConsumerGroupJobSource(
              KafkaClientProperties.bootstrapOnly(kafka.bootstrapServers()),
              h.group,
              h.topics.route("sim"),
              100,
              3,
              h.processor,
              h.publisher,
              h.jobs,
              4));

      // the window holds the slow job and the two behind it; the rest waits until the slow one
      // finishes
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> h.resultCounts().keySet().containsAll(rest.subList(0, 2)));
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(3))
          .until(() -> rest.subList(2, 6).stream().noneMatch(h.resultCounts()::containsKey));

      h.provider.release(slow);

      await().atMost(Duration.ofSeconds(30)).until(() -> committed(h, 2) == 7);
      assertThat(h.resultCounts()).hasSize(7);
    }
  }

  private ConsumerGroupJobSource source(SourceHarness h) {
    return new ConsumerGroupJobSource(
        KafkaClientProperties.bootstrapOnly(kafka.bootstrapServers()),
        h.group,
        h.topics.route("sim"),
        100,
        50,
        h.processor,
        h.publisher,
        h.jobs,
        4);
  }

  /** The group's committed offset of a partition of the provider topic; -1 when none. */
  private long committed(SourceHarness h, int partition) throws Exception {
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(h.group)
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      OffsetAndMetadata o = offsets.get(new TopicPartition(h.topics.route("sim"), partition));
      return o == null ? -1 : o.offset();
    }
  }
}

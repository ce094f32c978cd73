package io.promptyard.worker.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The share consumers of one provider topic share one in-flight limit. */
@ExtendWith(KafkaBrokerExtension.class)
class ShareGroupInFlightLimitIT {

  private static final int MAX_POLL = 5;

  private final EmbeddedKafka kafka;

  ShareGroupInFlightLimitIT(EmbeddedKafka kafka) {
    this.kafka = kafka;
  }

  @Test
  void consumersSharingALimitNeverRunMoreJobsAtOnceThanIt() throws Exception {
    // Three consumers taking five records per poll could run fifteen calls at once; the limit
    // allows eight.
    SlowProvider provider = new SlowProvider(Duration.ofMillis(150));
    InFlightLimit limit = new InFlightLimit(8);
    try (SourceHarness h = new SourceHarness(kafka, provider)) {
      for (int i = 0; i < 3; i++) {
        h.start(
            new ShareGroupJobSource(
                KafkaClientProperties.bootstrapOnly(kafka.bootstrapServers()),
                h.group,
                h.topics.route("sim"),
                MAX_POLL,
                limit,
                h.processor,
                h.publisher,
                h.jobs,
                4));
      }
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 90; i++) {
        ids.add(h.publishJob(i % 3));
      }

      await().atMost(Duration.ofSeconds(90)).until(() -> h.resultCounts().size() == ids.size());
      assertThat(h.resultCounts())
          .containsOnlyKeys(ids)
          .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
      assertThat(provider.mostRunningAtOnce()).isBetween(MAX_POLL, 8);
    }
  }

  @Test
  void limitSmallerThanOnePollIsRefused() {
    InFlightLimit limit = new InFlightLimit(MAX_POLL - 1);
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                new ShareGroupJobSource(
                    KafkaClientProperties.bootstrapOnly(kafka.bootstrapServers()),
                    "group",
                    "topic",
                    MAX_POLL,
                    limit,
                    null,
                    null,
                    null,
                    4))
        .withMessageContaining("no room for a poll of 5 records");
  }
}

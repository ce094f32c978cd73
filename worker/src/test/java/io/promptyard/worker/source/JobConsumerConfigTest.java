package io.promptyard.worker.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.config.KafkaClientProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobConsumerConfigTest {

  private static final KafkaClientProperties SECURED =
      KafkaClientProperties.bootstrapOnly("kafka:9093")
          .overriddenBy(
              new KafkaClientProperties(
                  Map.of(
                      "security.protocol", "SSL",
                      "ssl.keystore.location", "/etc/worker.p12",
                      "group.id", "someone-elses",
                      "isolation.level", "read_uncommitted",
                      "share.acknowledgement.mode", "implicit")));

  @Test
  void theOperatorsPropertiesReachTheShareConsumersButNotOverTheirOwnSettings() {
    Map<String, Object> config =
        ShareGroupJobSource.consumerConfig(SECURED, "promptyard-worker", "c-1", 100);

    assertThat(config)
        .containsEntry("security.protocol", "SSL")
        .containsEntry("ssl.keystore.location", "/etc/worker.p12")
        .containsEntry("bootstrap.servers", "kafka:9093")
        .containsEntry("group.id", "promptyard-worker")
        .containsEntry("share.acknowledgement.mode", "explicit");
  }

  @Test
  void theOperatorsPropertiesReachTheGroupConsumersButNotOverTheirOwnSettings() {
    Map<String, Object> config =
        CommittedReadConsumer.config(SECURED, "promptyard-worker-retry", "c-1", 500);

    assertThat(config)
        .containsEntry("security.protocol", "SSL")
        .containsEntry("bootstrap.servers", "kafka:9093")
        .containsEntry("group.id", "promptyard-worker-retry")
        .containsEntry("isolation.level", "read_committed");
  }
}

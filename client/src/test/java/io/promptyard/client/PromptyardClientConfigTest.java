package io.promptyard.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptyardClientConfigTest {

  private static final Map<String, Object> USER =
      Map.of(
          "security.protocol", "SASL_SSL",
          "sasl.mechanism", "SCRAM-SHA-512",
          "acks", "0",
          "enable.idempotence", "false",
          "isolation.level", "read_uncommitted",
          "bootstrap.servers", "elsewhere:9092");

  @Test
  void userPropertiesReachTheProducerButNotOverItsOwnSettings() {
    Map<String, Object> config = PromptyardClient.producerConfig(USER, "kafka:9093", "app");

    assertThat(config)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", true)
        .containsEntry("bootstrap.servers", "kafka:9093")
        .containsEntry("client.id", "app-producer");
  }

  @Test
  void userPropertiesReachTheReplyConsumerButNotOverItsOwnSettings() {
    Map<String, Object> config = PromptyardClient.consumerConfig(USER, "kafka:9093", "app");

    assertThat(config)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("bootstrap.servers", "kafka:9093");
  }
}

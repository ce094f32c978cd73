package io.promptyard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.worker.job.OutcomePublisher;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerKafkaPropertiesTest {

  private static final KafkaClientProperties SECURED =
      KafkaClientProperties.bootstrapOnly("kafka:9093")
          .overriddenBy(
              new KafkaClientProperties(
                  Map.of(
                      "security.protocol", "SASL_SSL",
                      "sasl.mechanism", "SCRAM-SHA-512",
                      "acks", "1",
                      "enable.idempotence", "false")));

  @Test
  void theOperatorsPropertiesReachTheProducerButNotOverItsOwnSettings() {
    Map<String, Object> config = WorkerApp.producerConfig(SECURED);

    assertThat(config)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("bootstrap.servers", "kafka:9093")
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", true);
  }

  @Test
  void theDeliveryTimeoutIsTwoMinutesUnlessSetAndThePublishingGraceCoversIt() {
    Map<String, Object> defaults = WorkerApp.producerConfig(SECURED);
    Map<String, Object> set =
        WorkerApp.producerConfig(SECURED.with("delivery.timeout.ms", "20000"));

    assertThat(WorkerApp.deliveryTimeout(defaults)).isEqualTo(Duration.ofMinutes(2));
    assertThat(OutcomePublisher.publishingGrace(WorkerApp.deliveryTimeout(defaults)))
        .isEqualTo(OutcomePublisher.PUBLISHING_GRACE);
    assertThat(WorkerApp.deliveryTimeout(set)).isEqualTo(Duration.ofSeconds(20));
    assertThat(OutcomePublisher.publishingGrace(WorkerApp.deliveryTimeout(set)))
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aDeliveryTimeoutThatIsNotANumberFailsAtStartNamingIt() {
    assertThatThrownBy(
            () ->
                WorkerApp.deliveryTimeout(
                    WorkerApp.producerConfig(SECURED.with("delivery.timeout.ms", "2m"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("delivery.timeout.ms=2m");
  }
}

package io.promptyard.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.topics.TopicProvisioner;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

  private static final ConfigKey REDIS_URL =
      new ConfigKey("PROMPTYARD_REDIS_URL", null, "Redis URL, redis://host:port");
  private static final ConfigKey STREAMING =
      new ConfigKey("PROMPTYARD_STREAMING", "false", "publish streamed deltas");

  @Test
  void commonConfigDefaultsWhenNothingIsSet() {
    CommonConfig config = CommonConfig.from(new Settings(Map.of()));

    assertThat(config.bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(config.topics().prefix()).isEqualTo("promptyard.");
    assertThat(config.provisioner().partitions()).isEqualTo(6);
    assertThat(config.provisioner())
        .as("replication follows the cluster's size")
        .isEqualTo(TopicProvisioner.sizedToCluster(6));
  }

  @Test
  void setValuesOverrideDefaultsAndAreTrimmed() {
    CommonConfig config =
        CommonConfig.from(
            new Settings(
                Map.of(
                    "PROMPTYARD_BOOTSTRAP_SERVERS", " kafka-1:9092,kafka-2:9092 ",
                    "PROMPTYARD_TOPIC_PREFIX", "acme.",
                    "PROMPTYARD_TOPIC_PARTITIONS", "24",
                    "PROMPTYARD_TOPIC_REPLICATION", "3")));

    assertThat(config.bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
    assertThat(config.topics().requests()).isEqualTo("acme.requests");
    assertThat(config.provisioner()).isEqualTo(new TopicProvisioner(24, (short) 3));
  }

  @Test
  void aConfiguredMinInSyncReplicasAboveTheReplicationFactorNamesBothKeys() {
    assertThatThrownBy(
            () ->
                CommonConfig.from(
                    new Settings(
                        Map.of(
                            "PROMPTYARD_TOPIC_REPLICATION",
                            "2",
                            "PROMPTYARD_TOPIC_MIN_INSYNC_REPLICAS",
                            "3"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_TOPIC_MIN_INSYNC_REPLICAS")
        .hasMessageContaining("PROMPTYARD_TOPIC_REPLICATION")
        .hasMessageContaining("min.insync.replicas 3 is more than the replication factor 2");
  }

  @Test
  void aBlankValueFallsBackToTheDefault() {
    assertThat(
            new Settings(Map.of("PROMPTYARD_TOPIC_PARTITIONS", "  "))
                .intValue(CommonConfig.TOPIC_PARTITIONS, 1))
        .isEqualTo(6);
  }

  @Test
  void aListIsSplitAtCommasWithItemsTrimmedAndEmptyOnesLeftOut() {
    ConfigKey providers = new ConfigKey("PROMPTYARD_PROVIDERS", null, "providers");

    assertThat(new Settings(Map.of("PROMPTYARD_PROVIDERS", " openai, ,sim ,")).list(providers))
        .contains(List.of("openai", "sim"));
    assertThat(new Settings(Map.of()).list(providers)).isEmpty();
  }

  @Test
  void aMissingRequiredValueNamesTheKey() {
    Settings settings = new Settings(Map.of());

    assertThat(settings.get(REDIS_URL)).isEmpty();
    assertThatThrownBy(() -> settings.require(REDIS_URL))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_REDIS_URL")
        .hasMessageContaining("required");
  }

  @Test
  void aValueThatIsNotAnIntegerNamesTheKeyAndTheValue() {
    assertThatThrownBy(
            () -> CommonConfig.from(new Settings(Map.of("PROMPTYARD_TOPIC_PARTITIONS", "six"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_TOPIC_PARTITIONS=six")
        .hasMessageContaining("not an integer");
  }

  @Test
  void anIntegerBelowTheMinimumNamesTheKey() {
    assertThatThrownBy(
            () -> CommonConfig.from(new Settings(Map.of("PROMPTYARD_TOPIC_REPLICATION", "0"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_TOPIC_REPLICATION=0")
        .hasMessageContaining("at least 1");
  }

  @Test
  void aReplicationFactorTooLargeForKafkaIsRefusedRatherThanTruncated() {
    assertThatThrownBy(
            () -> CommonConfig.from(new Settings(Map.of("PROMPTYARD_TOPIC_REPLICATION", "70000"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_TOPIC_REPLICATION=70000");
  }

  @Test
  void anIllegalTopicPrefixNamesTheKey() {
    assertThatThrownBy(
            () -> CommonConfig.from(new Settings(Map.of("PROMPTYARD_TOPIC_PREFIX", "acme prod."))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_TOPIC_PREFIX");
  }

  @Test
  void booleansAcceptTheUsualSpellingsAndNameTheKeyOtherwise() {
    assertThat(new Settings(Map.of("PROMPTYARD_STREAMING", "Yes")).boolValue(STREAMING)).isTrue();
    assertThat(new Settings(Map.of("PROMPTYARD_STREAMING", "0")).boolValue(STREAMING)).isFalse();
    assertThat(new Settings(Map.of()).boolValue(STREAMING)).isFalse();
    assertThatThrownBy(
            () -> new Settings(Map.of("PROMPTYARD_STREAMING", "maybe")).boolValue(STREAMING))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_STREAMING=maybe");
  }

  @Test
  void everyCommonKeyIsDocumented() {
    assertThat(CommonConfig.KEYS)
        .allSatisfy(
            key -> {
              assertThat(key.name()).startsWith("PROMPTYARD_");
              assertThat(key.doc()).isNotBlank();
            });
  }
}

package io.promptyard.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

class AggregatorKafkaPropertiesTest {

  @Test
  void theOperatorsPropertiesReachKafkaStreamsButNotOverTheAggregatorsOwn() {
    KafkaClientProperties user =
        new KafkaClientProperties(
            Map.of(
                "security.protocol", "SASL_SSL",
                "ssl.truststore.location", "/etc/truststore.p12",
                "processing.guarantee", "at_least_once",
                "bootstrap.servers", "elsewhere:9092"));
    AggregatorConfig config =
        AggregatorConfig.embedded(
            new CommonConfig(
                "kafka:9093", Topics.defaults(), TopicProvisioner.sizedToCluster(3), user),
            "promptyard-usage",
            Path.of("/tmp/state"));

    Properties props =
        UsageAggregatorApp.streamsProperties(
            config,
            Path.of("/tmp/state"),
            new HostInfo("localhost", 8080),
            new TopicProvisioner.Replication((short) 3, 2));

    assertThat(props)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("ssl.truststore.location", "/etc/truststore.p12")
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
        .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9093")
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "promptyard-usage");
  }
}

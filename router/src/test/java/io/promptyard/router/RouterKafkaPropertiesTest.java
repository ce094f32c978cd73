package io.promptyard.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class RouterKafkaPropertiesTest {

  @Test
  void theOperatorsPropertiesReachKafkaStreamsButNotOverTheRoutersOwn() {
    KafkaClientProperties user =
        new KafkaClientProperties(
            Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "processing.guarantee", "at_least_once",
                "application.id", "someone-else"));
    RouterConfig config =
        new RouterConfig(
            new CommonConfig(
                "kafka:9093", Topics.defaults(), TopicProvisioner.sizedToCluster(3), user),
            TestCatalog.catalog(),
            "promptyard-router");

    Properties props = RouterApp.streamsProperties(config, Path.of("/tmp/state"));

    assertThat(props)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "promptyard-router")
        .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9093");
  }

  @Test
  void readingTeamTopicsTheRouterLooksForNewOnesEvery30sUnlessTheOperatorSaysOtherwise() {
    String mainConsumerMaxAge = StreamsConfig.mainConsumerPrefix("metadata.max.age.ms");

    assertThat(teamsRouterProperties(Map.of()))
        .containsEntry(mainConsumerMaxAge, RouterApp.TEAM_TOPIC_REFRESH_MILLIS);
    assertThat(teamsRouterProperties(Map.of("metadata.max.age.ms", "5000")))
        .containsEntry("metadata.max.age.ms", "5000")
        .doesNotContainKey(mainConsumerMaxAge);
  }

  private static Properties teamsRouterProperties(Map<String, String> operators) {
    RouterConfig config =
        new RouterConfig(
                new CommonConfig(
                    "kafka:9093",
                    Topics.defaults(),
                    TopicProvisioner.sizedToCluster(3),
                    new KafkaClientProperties(operators)),
                TestCatalog.catalog(),
                "promptyard-router")
            .withIngress(Ingress.TEAMS);
    return RouterApp.streamsProperties(config, Path.of("/tmp/state"));
  }
}

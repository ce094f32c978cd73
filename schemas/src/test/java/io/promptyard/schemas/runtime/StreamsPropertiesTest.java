package io.promptyard.schemas.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class StreamsPropertiesTest {

  private static Properties base(Map<String, String> env) {
    return StreamsProperties.base(
        CommonConfig.from(new Settings(env)),
        "app",
        Path.of("/tmp/state"),
        Duration.ofMillis(100),
        1);
  }

  @Test
  void aCommitWaitsTwoMinutesForTheBrokersUnlessTheOperatorSaysOtherwise() {
    assertThat(base(Map.of()).get("producer.max.block.ms")).isEqualTo(120_000);

    Properties unprefixed = base(Map.of("PROMPTYARD_KAFKA_MAX_BLOCK_MS", "30000"));
    assertThat(unprefixed).doesNotContainKey("producer.max.block.ms");
    assertThat(unprefixed.get("max.block.ms")).isEqualTo("30000");

    Properties prefixed = base(Map.of("PROMPTYARD_KAFKA_PRODUCER_MAX_BLOCK_MS", "45000"));
    assertThat(prefixed.get("producer.max.block.ms")).isEqualTo("45000");
  }

  @Test
  void exactlyOnceAndTheServicesOwnIdsCannotBeOverridden() {
    Properties props =
        base(
            Map.of(
                "PROMPTYARD_KAFKA_PROCESSING_GUARANTEE", "at_least_once",
                "PROMPTYARD_KAFKA_APPLICATION_ID", "other"));
    assertThat(props.get("processing.guarantee")).isEqualTo("exactly_once_v2");
    assertThat(props.get("application.id")).isEqualTo("app");
  }
}

package io.promptyard.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientPropertiesTest {

  @TempDir Path dir;

  @Test
  void variablesMapToPropertyNamesAsConfluentImagesMapThem() {
    assertThat(KafkaClientProperties.propertyName("PROMPTYARD_KAFKA_SASL_JAAS_CONFIG"))
        .isEqualTo("sasl.jaas.config");
    assertThat(KafkaClientProperties.propertyName("PROMPTYARD_KAFKA_DELIVERY_TIMEOUT_MS"))
        .isEqualTo("delivery.timeout.ms");
    assertThat(KafkaClientProperties.propertyName("PROMPTYARD_KAFKA_SOME__ODD_NAME"))
        .isEqualTo("some_odd.name");
  }

  @Test
  void aVariableWithNothingAfterThePrefixIsRefusedByName() {
    assertThatThrownBy(() -> KafkaClientProperties.from(Map.of("PROMPTYARD_KAFKA_", "x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("PROMPTYARD_KAFKA_ names no Kafka property");
  }

  @Test
  void readsTheFileAndTheVariablesButNotTheFileVariableOrOtherVariables() throws IOException {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n");

    KafkaClientProperties props =
        KafkaClientProperties.from(
            Map.of(
                "PROMPTYARD_KAFKA_CONFIG", file.toString(),
                "PROMPTYARD_KAFKA_REQUEST_TIMEOUT_MS", "10000",
                "PROMPTYARD_KAFKA_RETRIES", " ",
                "PROMPTYARD_BOOTSTRAP_SERVERS", "kafka:9093",
                "KAFKA_SASL_MECHANISM", "GSSAPI"));

    assertThat(props.values())
        .containsOnly(
            Map.entry("security.protocol", "SASL_SSL"),
            Map.entry("sasl.mechanism", "PLAIN"),
            Map.entry("request.timeout.ms", "10000"));
  }

  @Test
  void aVariableOverridesTheFile() throws IOException {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, "sasl.mechanism=PLAIN\nssl.endpoint.identification.algorithm=https\n");

    KafkaClientProperties props =
        KafkaClientProperties.from(
            Map.of(
                "PROMPTYARD_KAFKA_CONFIG",
                file.toString(),
                "PROMPTYARD_KAFKA_SASL_MECHANISM",
                "SCRAM-SHA-512"));

    assertThat(props.values())
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("ssl.endpoint.identification.algorithm", "https");
  }

  @Test
  void aMissingFileFailsNamingTheVariable() {
    Path missing = dir.resolve("nope.properties");

    assertThatThrownBy(
            () -> KafkaClientProperties.from(Map.of("PROMPTYARD_KAFKA_CONFIG", missing.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("PROMPTYARD_KAFKA_CONFIG=" + missing)
        .hasMessageContaining("does not exist or cannot be read");
  }

  @Test
  void aDirectoryIsNotAPropertiesFile() {
    assertThatThrownBy(() -> KafkaClientProperties.load(dir, "--command-config"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--command-config=" + dir);
  }

  @Test
  void secretValuesAreRedactedInTheLoggableFormAndToString() {
    KafkaClientProperties props =
        new KafkaClientProperties(
            Map.of(
                "sasl.jaas.config", "ScramLoginModule required password=\"hunter2\";",
                "ssl.truststore.password", "hunter2",
                "ssl.key.password", "hunter2",
                "sasl.oauthbearer.client.secret", "hunter2",
                "sasl.oauthbearer.token.endpoint.url", "https://idp/token",
                "security.protocol", "SASL_SSL"));

    assertThat(props.redacted())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.jaas.config", KafkaClientProperties.HIDDEN)
        .containsEntry("ssl.truststore.password", KafkaClientProperties.HIDDEN)
        .containsEntry("ssl.key.password", KafkaClientProperties.HIDDEN)
        .containsEntry("sasl.oauthbearer.client.secret", KafkaClientProperties.HIDDEN)
        .containsEntry("sasl.oauthbearer.token.endpoint.url", KafkaClientProperties.HIDDEN);
    assertThat(props.toString()).doesNotContain("hunter2").contains("SASL_SSL");
    assertThat(new CommonConfig("k:9092", null, null, props).toString()).doesNotContain("hunter2");
  }

  @Test
  void aClientsOwnSettingsGoOverTheUsersProperties() {
    KafkaClientProperties props =
        new KafkaClientProperties(
            Map.of("enable.idempotence", "false", "security.protocol", "SSL", "acks", "1"));

    Map<String, Object> config =
        props.clientConfig(Map.of("enable.idempotence", true, "acks", "all"));

    assertThat(config)
        .containsEntry("enable.idempotence", true)
        .containsEntry("acks", "all")
        .containsEntry("security.protocol", "SSL");
  }

  @Test
  void theCommonConfigCarriesThePropertiesAndKeepsItsBootstrapServers() {
    CommonConfig common =
        CommonConfig.from(
            new Settings(
                Map.of(
                    "PROMPTYARD_BOOTSTRAP_SERVERS", "kafka:9093",
                    "PROMPTYARD_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                    "PROMPTYARD_KAFKA_BOOTSTRAP_SERVERS", "elsewhere:9092")));

    assertThat(common.clientConfig(Map.of("group.id", "g")))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("bootstrap.servers", "kafka:9093")
        .containsEntry("group.id", "g");
  }

  @Test
  void withoutPropertiesAClientGetsOnlyTheBootstrapServersAndItsOwn() {
    CommonConfig common = CommonConfig.from(new Settings(Map.of()));

    assertThat(common.kafka()).isEqualTo(KafkaClientProperties.NONE);
    assertThat(common.clientConfig(Map.of("acks", "all")))
        .containsOnly(Map.entry("bootstrap.servers", "localhost:9092"), Map.entry("acks", "all"));
  }
}

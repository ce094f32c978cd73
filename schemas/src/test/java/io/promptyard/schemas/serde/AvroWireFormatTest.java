package io.promptyard.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AvroWireFormatTest {

  @Test
  void singleObjectIsTheDefaultAndReadsRegistryValuesWhenAUrlIsGiven() {
    AvroWireFormat none = AvroWireFormat.from(new Settings(Map.of()));
    AvroWireFormat reading =
        AvroWireFormat.from(
            new Settings(Map.of("PROMPTYARD_SCHEMA_REGISTRY_URL", "http://registry:8081")));

    assertThat(none).isEqualTo(AvroWireFormat.SINGLE_OBJECT);
    assertThat(reading.writes()).isEqualTo(AvroWireFormat.Encoding.SINGLE_OBJECT);
    assertThat(reading.registry()).isPresent();
  }

  @Test
  void theRegistryFormatWritesThroughTheUrlsRegistry() {
    AvroWireFormat format =
        AvroWireFormat.from(
            new Settings(
                Map.of(
                    "PROMPTYARD_WIRE_FORMAT", "schema-registry",
                    "PROMPTYARD_SCHEMA_REGISTRY_URL", "http://registry:8081")));

    assertThat(format.writes()).isEqualTo(AvroWireFormat.Encoding.SCHEMA_REGISTRY);
    assertThat(format.registry().orElseThrow().describe()).isEqualTo("http://registry:8081");
  }

  @Test
  void theRegistryFormatWithoutAUrlIsRefusedNamingBothKeys() {
    assertThatThrownBy(
            () ->
                AvroWireFormat.from(
                    new Settings(Map.of("PROMPTYARD_WIRE_FORMAT", "schema-registry"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_WIRE_FORMAT=schema-registry needs")
        .hasMessageContaining("PROMPTYARD_SCHEMA_REGISTRY_URL");
  }

  @Test
  void anUnknownFormatOrABadUrlIsRefusedWithoutQuotingTheUrl() {
    assertThatThrownBy(
            () -> AvroWireFormat.from(new Settings(Map.of("PROMPTYARD_WIRE_FORMAT", "confluent"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("confluent is not single-object or schema-registry");
    assertThatThrownBy(
            () ->
                AvroWireFormat.from(
                    new Settings(
                        Map.of("PROMPTYARD_SCHEMA_REGISTRY_URL", "ftp://u:pw-9f2@registry"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_SCHEMA_REGISTRY_URL is not an http or https URL")
        .hasMessageNotContaining("pw-9f2");
  }
}

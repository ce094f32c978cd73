package io.promptyard.schemas.kafka;

import io.promptyard.schemas.registry.HttpSchemaRegistry;
import io.promptyard.schemas.registry.SchemaRegistry;
import io.promptyard.schemas.serde.AvroWireFormat;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/**
 * The wire format a Kafka client's properties ask of Promptyard's serializers and deserializers:
 * {@value #WIRE_FORMAT_CONFIG} and {@value #SCHEMA_REGISTRY_URL_CONFIG}, the key Confluent's and
 * Apicurio's serdes read too.
 */
final class ClientWireFormat {

  /**
   * {@code single-object} (the default) or {@code schema-registry}: the format a serializer writes.
   */
  static final String WIRE_FORMAT_CONFIG = "promptyard.wire.format";

  /** The schema registry's URL, to write the Schema Registry format and to read it. */
  static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";

  private ClientWireFormat() {}

  /** The format the properties name; empty when they name neither key. */
  static Optional<AvroWireFormat> from(Map<String, ?> configs) {
    Object format = configs.get(WIRE_FORMAT_CONFIG);
    Object url = configs.get(SCHEMA_REGISTRY_URL_CONFIG);
    if (format == null && url == null) {
      return Optional.empty();
    }
    Optional<SchemaRegistry> registry = Optional.empty();
    if (url != null) {
      try {
        registry = Optional.of(HttpSchemaRegistry.at(url.toString()));
      } catch (IllegalArgumentException e) {
        // the value may carry a password: not quoted
        throw new ConfigException(SCHEMA_REGISTRY_URL_CONFIG + " is " + e.getMessage());
      }
    }
    String writes = format == null ? "single-object" : format.toString().trim();
    return Optional.of(
        switch (writes) {
          case "single-object" ->
              registry
                  .map(AvroWireFormat::singleObjectReading)
                  .orElse(AvroWireFormat.SINGLE_OBJECT);
          case "schema-registry" ->
              AvroWireFormat.schemaRegistry(
                  registry.orElseThrow(
                      () ->
                          new ConfigException(
                              WIRE_FORMAT_CONFIG
                                  + "=schema-registry needs "
                                  + SCHEMA_REGISTRY_URL_CONFIG)));
          default ->
              throw new ConfigException(
                  WIRE_FORMAT_CONFIG, format, "single-object or schema-registry is needed");
        });
  }
}

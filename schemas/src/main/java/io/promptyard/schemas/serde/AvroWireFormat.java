package io.promptyard.schemas.serde;

import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.registry.HttpSchemaRegistry;
import io.promptyard.schemas.registry.SchemaRegistry;
import io.promptyard.schemas.registry.SchemaRegistryWire;
import java.util.Objects;
import java.util.Optional;

/**
 * How Avro records are written on Promptyard's topics: Avro single-object encoding (the default) or
 * the Schema Registry wire format, and the schema registry that resolves the ids of the latter.
 * Readers take both formats whichever one is written, so writers can be switched one service at a
 * time; a reader without a registry dead-letters a registry-format record with that reason.
 *
 * @param writes the format writers use
 * @param registry the registry for writing and reading the Schema Registry format; empty when none
 *     is configured
 */
public record AvroWireFormat(Encoding writes, Optional<SchemaRegistryWire> registry) {

  /** The two formats. */
  public enum Encoding {
    /** {@code C3 01}, the 8-byte schema fingerprint, the Avro binary. */
    SINGLE_OBJECT,
    /** Magic byte 0, the 4-byte schema id from the registry, the Avro binary. */
    SCHEMA_REGISTRY
  }

  /** Single-object encoding, no registry: what a process uses until told otherwise. */
  public static final AvroWireFormat SINGLE_OBJECT =
      new AvroWireFormat(Encoding.SINGLE_OBJECT, Optional.empty());

  // The one process-wide value: the services' record writers are created in dozens of places
  // (processors, publishers, stores, static dead-letter encoders), and each reads this at use, so
  // installing it once at start-up, before any record is written, reaches all of them. A process
  // runs one deployment, so one value fits; tests that change it put it back.
  private static volatile AvroWireFormat installed = SINGLE_OBJECT;

  public AvroWireFormat {
    Objects.requireNonNull(writes, "writes");
    Objects.requireNonNull(registry, "registry");
    if (writes == Encoding.SCHEMA_REGISTRY && registry.isEmpty()) {
      throw new IllegalArgumentException("the Schema Registry format needs a registry");
    }
  }

  /** Writes the Schema Registry format through {@code registry}, which also resolves reads. */
  public static AvroWireFormat schemaRegistry(SchemaRegistry registry) {
    return new AvroWireFormat(
        Encoding.SCHEMA_REGISTRY, Optional.of(new SchemaRegistryWire(registry)));
  }

  /** Writes single-object encoding; reads the Schema Registry format through {@code registry}. */
  public static AvroWireFormat singleObjectReading(SchemaRegistry registry) {
    return new AvroWireFormat(
        Encoding.SINGLE_OBJECT, Optional.of(new SchemaRegistryWire(registry)));
  }

  /** This format's registry for reading, with single-object encoding for writing. */
  public AvroWireFormat singleObject() {
    return new AvroWireFormat(Encoding.SINGLE_OBJECT, registry);
  }

  /**
   * The format {@link CommonConfig#WIRE_FORMAT} and {@link CommonConfig#SCHEMA_REGISTRY_URL} name.
   *
   * @throws ConfigException when the format is unknown, the URL malformed, or the Schema Registry
   *     format is asked for without a URL
   */
  public static AvroWireFormat from(Settings s) {
    String format = s.require(CommonConfig.WIRE_FORMAT);
    Optional<SchemaRegistry> registry =
        s.get(CommonConfig.SCHEMA_REGISTRY_URL)
            .map(
                url -> {
                  try {
                    return HttpSchemaRegistry.at(url);
                  } catch (IllegalArgumentException e) {
                    // the value may carry a password: name the key only
                    throw new ConfigException(
                        CommonConfig.SCHEMA_REGISTRY_URL.name()
                            + " is "
                            + e.getMessage()
                            + ": "
                            + CommonConfig.SCHEMA_REGISTRY_URL.doc());
                  }
                });
    return switch (format) {
      case "single-object" ->
          registry.map(AvroWireFormat::singleObjectReading).orElse(SINGLE_OBJECT);
      case "schema-registry" ->
          schemaRegistry(
              registry.orElseThrow(
                  () ->
                      new ConfigException(
                          CommonConfig.WIRE_FORMAT.name()
                              + "=schema-registry needs "
                              + CommonConfig.SCHEMA_REGISTRY_URL.name()
                              + ": "
                              + CommonConfig.SCHEMA_REGISTRY_URL.doc())));
      default ->
          throw new ConfigException(
              CommonConfig.WIRE_FORMAT.name()
                  + "="
                  + format
                  + " is not single-object or schema-registry: "
                  + CommonConfig.WIRE_FORMAT.doc());
    };
  }

  /**
   * Makes {@code format} the one every {@link AvroSerde} of this process uses unless it was given
   * its own; a service calls this once at start-up.
   */
  public static void install(AvroWireFormat format) {
    installed = Objects.requireNonNull(format, "format");
  }

  /** The format {@link #install} set, single-object encoding before that. */
  public static AvroWireFormat installed() {
    return installed;
  }
}

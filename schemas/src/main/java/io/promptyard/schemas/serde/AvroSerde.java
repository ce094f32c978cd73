package io.promptyard.schemas.serde;

import io.promptyard.schemas.registry.SchemaRegistryException;
import io.promptyard.schemas.registry.SchemaRegistryWire;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for a generated Avro record using Avro single-object encoding: each value starts with
 * the marker {@code C3 01} and the 8-byte fingerprint of the writer's schema, so a reader knows
 * which released version wrote it and resolves it to the current one. Lengths read from a record
 * are bounded by {@link AvroLimits}, so hostile bytes end as an {@link UndecodableRecordException},
 * never as an OutOfMemoryError.
 *
 * <p>As a {@link Serializer} it writes the {@link AvroWireFormat} of the process (or the one given
 * by {@link #using}): with the Schema Registry format, {@code serialize(topic, record)} registers
 * the schema under {@code <topic>-value}. {@link #encode} always writes single-object encoding, for
 * bytes that are not a topic's value (cache entries, copies inside dead letters). Decoding takes
 * both formats, resolving a registry id to the writer's schema and reading it into the current one.
 */
public final class AvroSerde<T extends SpecificRecord>
    implements Serde<T>, Serializer<T>, Deserializer<T> {

  static {
    // before any record is decoded: no length read from a record may make the decoder allocate more
    // than these
    AvroLimits.apply();
  }

  private final Class<T> type;
  private final Schema current;
  private final SpecificData model;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;
  private final DatumWriter<T> writer;
  private final Map<Integer, DatumReader<T>> registryReaders = new ConcurrentHashMap<>();
  // null: the process's installed format, read at each use
  private final AvroWireFormat format;

  private AvroSerde(Class<T> type, Schema current, List<Schema> released, AvroWireFormat format) {
    this.type = type;
    this.current = current;
    this.model = SpecificData.getForSchema(current);
    this.encoder = new BinaryMessageEncoder<>(model, current);
    this.decoder = new BinaryMessageDecoder<>(model, current);
    released.forEach(decoder::addSchema);
    this.writer = new SpecificDatumWriter<>(current, model);
    this.format = format;
  }

  /** A serde for {@code type} that also reads every released version of its schema. */
  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    Schema current = SpecificData.get().getSchema(type);
    return new AvroSerde<>(type, current, SchemaHistory.releasedVersions(current.getName()), null);
  }

  /**
   * A serde for {@code type} that writes single-object encoding whatever the process's wire format:
   * the dead-letter topic's, since a dead letter must be written even when the registry is what
   * failed. It reads both formats.
   */
  public static <T extends SpecificRecord> AvroSerde<T> singleObject(Class<T> type) {
    return of(type).using(AvroWireFormat.installed().singleObject());
  }

  /**
   * This serde with {@code format} instead of the process's {@linkplain AvroWireFormat#installed
   * installed} one.
   */
  public AvroSerde<T> using(AvroWireFormat format) {
    return new AvroSerde<>(
        type,
        current,
        SchemaHistory.releasedVersions(current.getName()),
        Objects.requireNonNull(format, "format"));
  }

  private AvroWireFormat format() {
    return format == null ? AvroWireFormat.installed() : format;
  }

  /**
   * A serde for {@code type} that reads the released versions of its schema and also {@code
   * extraWriters}, for writer schemas that are not (yet) in the history, such as test variants.
   */
  static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type, List<Schema> extraWriters) {
    Schema current = SpecificData.get().getSchema(type);
    List<Schema> writers = new ArrayList<>(SchemaHistory.releasedVersions(current.getName()));
    writers.addAll(extraWriters);
    return new AvroSerde<>(type, current, writers, null);
  }

  /**
   * Encodes a record in single-object encoding, whatever the wire format; never returns null for a
   * non-null record.
   */
  public byte[] encode(T record) {
    try {
      ByteBuffer buffer = encoder.encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + type.getSimpleName(), e);
    }
  }

  /**
   * Encodes a record as the value of {@code topic} in the wire format: single-object encoding, or
   * the Schema Registry format with the schema registered under {@code <topic>-value}.
   *
   * @throws SchemaRegistryException when the registry refuses the schema or cannot be reached
   */
  public byte[] encode(String topic, T record) {
    AvroWireFormat wire = format();
    if (wire.writes() == AvroWireFormat.Encoding.SINGLE_OBJECT) {
      return encode(record);
    }
    int id = wire.registry().orElseThrow().id(topic, current);
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(SchemaRegistryWire.header(id));
      BinaryEncoder binary = EncoderFactory.get().directBinaryEncoder(out, null);
      writer.write(record, binary);
      binary.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + type.getSimpleName(), e);
    }
  }

  /**
   * Decodes bytes in single-object encoding or in the Schema Registry wire format.
   *
   * @throws UndecodableRecordException when the bytes are not a {@code T} written by any known
   *     schema, or their registry id cannot be resolved (unknown id, no registry configured, the
   *     registry unreachable)
   */
  public T decode(byte[] bytes) {
    if (bytes == null) {
      throw new UndecodableRecordException(
          "empty value where a " + type.getSimpleName() + " was expected");
    }
    if (SchemaRegistryWire.carries(bytes)) {
      return decodeRegistryFormat(bytes);
    }
    try {
      return decoder.decode(bytes);
    } catch (IOException | RuntimeException e) {
      throw new UndecodableRecordException(
          "not an Avro single-object-encoded "
              + type.getSimpleName()
              + " ("
              + bytes.length
              + " bytes): "
              + e.getMessage(),
          e);
    }
  }

  private T decodeRegistryFormat(byte[] bytes) {
    int id = SchemaRegistryWire.idOf(bytes);
    String what =
        "a "
            + type.getSimpleName()
            + " in the Schema Registry wire format (schema id "
            + id
            + ", "
            + bytes.length
            + " bytes)";
    DatumReader<T> reader = registryReaders.get(id);
    if (reader == null) {
      SchemaRegistryWire registry =
          format()
              .registry()
              .orElseThrow(
                  () ->
                      new UndecodableRecordException(
                          what
                              + " cannot be read: no schema registry is configured"
                              + " (PROMPTYARD_SCHEMA_REGISTRY_URL for a service, "
                              + "schema.registry.url for a client's deserializer)"));
      Schema written;
      try {
        written = registry.schema(id);
      } catch (SchemaRegistryException e) {
        throw new UndecodableRecordException(what + " cannot be read: " + e.getMessage(), e);
      }
      if (!written.getFullName().equals(current.getFullName())) {
        throw new UndecodableRecordException(
            what
                + " cannot be read: schema id "
                + id
                + " at "
                + registry.describe()
                + " is "
                + written.getFullName()
                + ", not "
                + current.getFullName());
      }
      reader = new SpecificDatumReader<>(written, current, model);
      registryReaders.putIfAbsent(id, reader);
    }
    try {
      BinaryDecoder binary =
          DecoderFactory.get()
              .binaryDecoder(
                  bytes,
                  SchemaRegistryWire.HEADER_BYTES,
                  bytes.length - SchemaRegistryWire.HEADER_BYTES,
                  null);
      return reader.read(null, binary);
    } catch (IOException | RuntimeException e) {
      throw new UndecodableRecordException(what + " does not read: " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    try {
      return encode(topic, data);
    } catch (SchemaRegistryException e) {
      throw new SerializationException("topic " + topic + ": " + e.getMessage(), e);
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    try {
      return decode(data);
    } catch (UndecodableRecordException e) {
      throw new SerializationException("topic " + topic + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }

  @Override
  public void configure(java.util.Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}
}

package io.promptyard.schemas.serde;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
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
 */
public final class AvroSerde<T extends SpecificRecord>
    implements Serde<T>, Serializer<T>, Deserializer<T> {

  static {
    // before any record is decoded: no length read from a record may make the decoder allocate more
    // than these
    AvroLimits.apply();
  }

  private final Class<T> type;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;

  private AvroSerde(Class<T> type, Schema current, List<Schema> released) {
    this.type = type;
    SpecificData model = SpecificData.getForSchema(current);
    this.encoder = new BinaryMessageEncoder<>(model, current);
    this.decoder = new BinaryMessageDecoder<>(model, current);
    released.forEach(decoder::addSchema);
  }

  /** A serde for {@code type} that also reads every released version of its schema. */
  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    Schema current = SpecificData.get().getSchema(type);
    return new AvroSerde<>(type, current, SchemaHistory.releasedVersions(current.getName()));
  }

  /**
   * A serde for {@code type} that reads the released versions of its schema and also {@code
   * extraWriters}, for writer schemas that are not (yet) in the history, such as test variants.
   */
  static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type, List<Schema> extraWriters) {
    Schema current = SpecificData.get().getSchema(type);
    List<Schema> writers = new ArrayList<>(SchemaHistory.releasedVersions(current.getName()));
    writers.addAll(extraWriters);
    return new AvroSerde<>(type, current, writers);
  }

  /** Encodes a record; never returns null for a non-null record. */
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
   * Decodes single-object-encoded bytes.
   *
   * @throws UndecodableRecordException when the bytes are not a {@code T} written by any known
   *     schema
   */
  public T decode(byte[] bytes) {
    if (bytes == null) {
      throw new UndecodableRecordException(
          "empty value where a " + type.getSimpleName() + " was expected");
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

  @Override
  public byte[] serialize(String topic, T data) {
    return data == null ? null : encode(data);
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

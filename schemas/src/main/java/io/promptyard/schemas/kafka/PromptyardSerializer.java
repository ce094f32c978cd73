package io.promptyard.schemas.kafka;

import io.promptyard.schemas.serde.AvroSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serializer} for one of Promptyard's Avro records, writing the single-object
 * encoding Promptyard's services read, or the Schema Registry wire format when the producer's
 * properties say {@code promptyard.wire.format=schema-registry} and give {@code
 * schema.registry.url} (the schema is registered under {@code <topic>-value}). Each record type has
 * a subclass with a public no-argument constructor ({@code CompletionRequestSerializer}, …) that a
 * producer names in {@code value.serializer}; this class itself can be named too, with the record
 * class in {@value PromptyardDeserializer#VALUE_TYPE_CONFIG} (or {@value
 * PromptyardDeserializer#KEY_TYPE_CONFIG} for keys).
 *
 * @param <T> the record type
 */
public class PromptyardSerializer<T extends SpecificRecord> extends AvroRecordCodec<T>
    implements Serializer<T> {

  private static final String UNCONFIGURED =
      "PromptyardSerializer needs its record class: set "
          + PromptyardDeserializer.VALUE_TYPE_CONFIG
          + ", or use the record's own serializer, such as CompletionRequestSerializer";

  /** A serializer whose record class {@link #configure} reads from the producer's properties. */
  public PromptyardSerializer() {}

  /** A serializer of {@code type}, ready to use without {@link #configure}. */
  protected PromptyardSerializer(Class<T> type) {
    super(type);
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    AvroSerde<T> serde = serde(UNCONFIGURED);
    Class<T> type = type();
    if (!type.isInstance(data)) {
      throw new org.apache.kafka.common.errors.SerializationException(
          "topic "
              + topic
              + ": this serializer writes "
              + type.getSimpleName()
              + " records, not "
              + data.getClass().getSimpleName());
    }
    return serde.serialize(topic, data);
  }
}

package io.promptyard.schemas.kafka;

import io.promptyard.schemas.serde.AvroSerde;
import java.util.Map;
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
public class PromptyardSerializer<T extends SpecificRecord> implements Serializer<T> {

  private Class<T> type;
  private AvroSerde<T> serde;

  /** A serializer whose record class {@link #configure} reads from the producer's properties. */
  public PromptyardSerializer() {}

  /** A serializer of {@code type}, ready to use without {@link #configure}. */
  protected PromptyardSerializer(Class<T> type) {
    this.type = type;
    this.serde = AvroSerde.of(type);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (type == null) {
      type =
          RecordTypes.fromConfig(
              configs,
              isKey
                  ? PromptyardDeserializer.KEY_TYPE_CONFIG
                  : PromptyardDeserializer.VALUE_TYPE_CONFIG);
      serde = AvroSerde.of(type);
    }
    ClientWireFormat.from(configs).ifPresent(format -> serde = serde.using(format));
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    if (serde == null) {
      throw new IllegalStateException(
          "PromptyardSerializer needs its record class: set "
              + PromptyardDeserializer.VALUE_TYPE_CONFIG
              + ", or use the record's own serializer, such as CompletionRequestSerializer");
    }
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

  /** The record class this serializer writes; null until configured when none was given. */
  public Class<T> type() {
    return type;
  }
}

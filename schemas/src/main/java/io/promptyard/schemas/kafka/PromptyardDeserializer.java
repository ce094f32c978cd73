package io.promptyard.schemas.kafka;

import io.promptyard.schemas.registry.SchemaRegistryWire;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A Kafka {@link Deserializer} for one of Promptyard's Avro records, in the single-object encoding
 * its services write, reading every released version of the record's schema, and in the Schema
 * Registry wire format when the consumer's properties give {@code schema.registry.url} (the id's
 * schema, fetched once, is read into the current one). Each record type has a subclass with a
 * public no-argument constructor ({@code CompletionResultDeserializer}, …) that a consumer names in
 * {@code value.deserializer}; this class itself can be named too, with the record class in {@value
 * #VALUE_TYPE_CONFIG} (or {@value #KEY_TYPE_CONFIG} for keys).
 *
 * <p>A value that is not the expected record throws a {@link SerializationException} naming the
 * topic, the expected type and what the value looks like (another Promptyard record, JSON, a Schema
 * Registry id that cannot be resolved), never its bytes.
 *
 * @param <T> the record type
 */
public class PromptyardDeserializer<T extends SpecificRecord> extends AvroRecordCodec<T>
    implements Deserializer<T> {

  /** The value's record class, for this class named as a {@code value.deserializer}. */
  public static final String VALUE_TYPE_CONFIG = "promptyard.value.type";

  /** The key's record class, for this class named as a {@code key.deserializer}. */
  public static final String KEY_TYPE_CONFIG = "promptyard.key.type";

  private static final String UNCONFIGURED =
      "PromptyardDeserializer needs its record class: set "
          + VALUE_TYPE_CONFIG
          + " (or "
          + KEY_TYPE_CONFIG
          + "), or use the record's own deserializer, such as CompletionResultDeserializer";

  private String part = "value";

  /** A deserializer whose record class {@link #configure} reads from the consumer's properties. */
  public PromptyardDeserializer() {}

  /** A deserializer of {@code type}, ready to use without {@link #configure}. */
  protected PromptyardDeserializer(Class<T> type) {
    super(type);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    part = isKey ? "key" : "value";
    super.configure(configs, isKey);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    AvroSerde<T> serde = serde(UNCONFIGURED);
    try {
      return serde.decode(data);
    } catch (UndecodableRecordException e) {
      if (SchemaRegistryWire.carries(data)) {
        // the reason is the registry's: an unknown id, another record's schema, no registry
        throw new SerializationException(
            "topic " + topic + ": the record's " + part + " is " + e.getMessage(), e);
      }
      throw new SerializationException(
          "topic "
              + topic
              + ": expected a "
              + type().getSimpleName()
              + " as the record's "
              + part
              + ", but the "
              + data.length
              + " bytes are "
              + RecordTypes.describe(data),
          e);
    }
  }
}

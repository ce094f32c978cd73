package io.promptyard.schemas.kafka;

import io.promptyard.schemas.serde.AvroSerde;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * What {@link PromptyardSerializer} and {@link PromptyardDeserializer} share: the record class,
 * given to the constructor or read by {@link #configure} from the client's properties ({@value
 * PromptyardDeserializer#VALUE_TYPE_CONFIG}, or {@value PromptyardDeserializer#KEY_TYPE_CONFIG} for
 * keys), and its serde in the wire format those properties choose.
 *
 * @param <T> the record type
 */
abstract class AvroRecordCodec<T extends SpecificRecord> {

  private Class<T> type;
  private AvroSerde<T> serde;

  /** A codec whose record class {@link #configure} reads from the client's properties. */
  AvroRecordCodec() {}

  /** A codec of {@code type}, ready to use without {@link #configure}. */
  AvroRecordCodec(Class<T> type) {
    this.type = type;
    this.serde = AvroSerde.of(type);
  }

  /**
   * Reads the record class from {@code configs} when none was given, and the wire format when they
   * name one.
   */
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

  /** The record class; null until configured when none was given. */
  public Class<T> type() {
    return type;
  }

  /**
   * The serde of the record class.
   *
   * @param unconfigured the message when no record class was given or configured: what to set
   * @throws IllegalStateException then
   */
  AvroSerde<T> serde(String unconfigured) {
    if (serde == null) {
      throw new IllegalStateException(unconfigured);
    }
    return serde;
  }
}

package io.promptyard.client;

import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;

/**
 * Decodes the values of consumed records with an Avro serde, for the client's readers: a record
 * that does not decode (another schema, corrupt bytes) is skipped with a warning naming where it
 * is, so that one bad record never stops a reader.
 */
public final class RecordDecoder<T extends SpecificRecord> {

  private final AvroSerde<T> serde;
  private final Logger log;

  private RecordDecoder(AvroSerde<T> serde, Logger log) {
    this.serde = serde;
    this.log = log;
  }

  /** A decoder of {@code type} that warns on the reader's {@code log}. */
  public static <T extends SpecificRecord> RecordDecoder<T> of(Class<T> type, Logger log) {
    return new RecordDecoder<>(AvroSerde.of(type), log);
  }

  /** The record's value, or empty (after a warning) when it does not decode. */
  public Optional<T> decode(ConsumerRecord<?, byte[]> record) {
    try {
      return Optional.of(serde.decode(record.value()));
    } catch (UndecodableRecordException e) {
      log.warn(
          "skipping an unreadable record at {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          ProducerText.escape(e.getMessage()));
      return Optional.empty();
    }
  }
}

package io.promptyard.usage;

import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.RecordSizeLimit;
import io.promptyard.schemas.serde.UndecodableRecordException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decodes the records the aggregator reads; one it cannot decode is counted and sent to the
 * dead-letter topic, with its bytes and the reason.
 */
final class Undecodable {

  private Undecodable() {}

  /**
   * The record's value, or empty once it has been counted and sent to the dead-letter topic through
   * {@code sink} as undecodable.
   */
  static <T extends SpecificRecord> Optional<T> decode(
      AvroSerde<T> serde,
      Record<String, byte[]> record,
      ProcessorContext<String, Object> context,
      UsageMetrics metrics,
      String sink) {
    try {
      return Optional.of(serde.decode(record.value()));
    } catch (UndecodableRecordException e) {
      metrics.undecodable();
      deadLetter(context, record, e.getMessage(), sink);
      return Optional.empty();
    }
  }

  private static void deadLetter(
      ProcessorContext<String, Object> context,
      Record<String, byte[]> record,
      String reason,
      String sink) {
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    DeadLetter letter =
        TerminalResults.deadLetter(
                meta.topic(),
                meta.partition(),
                meta.offset(),
                record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8),
                record.value(),
                record.headers(),
                ErrorCode.UNDECODABLE,
                reason)
            .build();
    context.forward(
        record.withKey(RecordSizeLimit.boundedKey(record.key())).withValue((Object) letter), sink);
  }
}

package io.promptyard.usage;

import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.serde.RecordSizeLimit;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Sends a record the aggregator cannot decode to the dead-letter topic, with its bytes and the
 * reason.
 */
final class Undecodable {

  private Undecodable() {}

  static void deadLetter(
      ProcessorContext<String, Object> context, Record<String, byte[]> record, String reason) {
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
        record.withKey(RecordSizeLimit.boundedKey(record.key())).withValue((Object) letter),
        UsageTopology.TO_DLQ);
  }
}

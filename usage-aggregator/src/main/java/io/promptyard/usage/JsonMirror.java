package io.promptyard.usage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.json.ResultJson;
import io.promptyard.schemas.json.UsageJson;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Copies each record of an Avro topic to its JSON mirror topic, one JSON document per record with
 * the same key, headers and timestamp, inside the aggregator's exactly-once transaction: results as
 * OpenAI Batch output lines ({@link ResultJson}), usage events as flat objects ({@link UsageJson}).
 */
final class JsonMirror<T extends SpecificRecord>
    implements Processor<String, byte[], String, Object> {

  private final AvroSerde<T> serde;
  private final Function<T, ObjectNode> toJson;
  private final String sink;
  private ProcessorContext<String, Object> context;

  private JsonMirror(Class<T> type, Function<T, ObjectNode> toJson, String sink) {
    this.serde = AvroSerde.of(type);
    this.toJson = toJson;
    this.sink = sink;
  }

  /**
   * Results to {@code promptyard.results.json}; an undecodable result is skipped here, since the
   * guard verdict count that reads the same record dead-letters it already.
   */
  static JsonMirror<CompletionResult> results() {
    return new JsonMirror<>(
        CompletionResult.class, ResultJson::line, UsageTopology.TO_RESULTS_JSON);
  }

  /**
   * Usage events to {@code promptyard.usage.json}; an undecodable event is skipped here, since the
   * aggregation that reads the same record dead-letters it already.
   */
  static JsonMirror<UsageEvent> usage() {
    return new JsonMirror<>(UsageEvent.class, UsageJson::object, UsageTopology.TO_USAGE_JSON);
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, byte[]> record) {
    // Every record mirrored is also read by a processor that dead-letters it when undecodable.
    Optional<T> decoded;
    try {
      decoded = Optional.of(serde.decode(record.value()));
    } catch (UndecodableRecordException e) {
      decoded = Optional.empty();
    }
    decoded.ifPresent(
        value -> context.forward(record.withValue((Object) toJson.apply(value).toString()), sink));
  }
}

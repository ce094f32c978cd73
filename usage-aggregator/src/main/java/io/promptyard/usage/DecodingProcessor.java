package io.promptyard.usage;

import io.promptyard.schemas.serde.AvroSerde;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * What the aggregator's processors of one Avro topic share: the topology's options and metrics, the
 * task's context, and decoding a record's value, one it cannot decode counted and dead-lettered
 * ({@link Undecodable}).
 */
abstract class DecodingProcessor<V extends SpecificRecord>
    implements Processor<String, byte[], String, Object> {

  final UsageTopology.Options options;
  final UsageMetrics metrics;
  private final AvroSerde<V> serde;
  private final String deadLetterSink;
  ProcessorContext<String, Object> context;

  /** A processor whose undecodable records go to the aggregator's dead-letter topic. */
  DecodingProcessor(Class<V> type, UsageTopology.Options options, UsageMetrics metrics) {
    this(type, UsageTopology.TO_DLQ, options, metrics);
  }

  /** A processor whose undecodable records go to {@code deadLetterSink}. */
  DecodingProcessor(
      Class<V> type, String deadLetterSink, UsageTopology.Options options, UsageMetrics metrics) {
    this.serde = AvroSerde.of(type);
    this.deadLetterSink = deadLetterSink;
    this.options = options;
    this.metrics = metrics;
  }

  @Override
  public final void init(ProcessorContext<String, Object> context) {
    this.context = context;
    open();
  }

  /** Opens the task's state stores and schedules punctuations; {@link #context} is set. */
  abstract void open();

  /** The record's value, or empty once it has been counted and dead-lettered as undecodable. */
  final Optional<V> decode(Record<String, byte[]> record) {
    return Undecodable.decode(serde, record, context, metrics, deadLetterSink);
  }
}

package io.promptyard.schemas.deadletter;

import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.RecordSizeLimit;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.UsePartitionTimeOnInvalidTimestamp;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka Streams exception handler of the router and the usage aggregator (KIP-1033, KIP-1034):
 * a record whose processing, deserialization or publication throws is set aside as a Promptyard
 * {@link DeadLetter} on the dead-letter topic — its original bytes and headers, where it was read,
 * and the exception's class and message — and the stream goes on with the next record, in the same
 * transaction. Without it an exception ends the stream thread, and the thread that replaces it
 * reads the same record again, forever.
 *
 * <p>A record too large to publish ({@link RecordSizeLimit}, checked while serializing) is such a
 * failure too. Every dead letter fits in a record itself: one that would not is published without
 * the original bytes, its origin saying where they are. Publishing errors that retrying can cure (a
 * broker that is away) are retried from the last commit, as Kafka Streams does by default; a dead
 * letter is never dead-lettered again.
 */
public final class DeadLetterExceptionHandler
    implements ProcessingExceptionHandler,
        ProductionExceptionHandler,
        DeserializationExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(DeadLetterExceptionHandler.class);

  /**
   * Exception messages are cut to this many characters in a dead letter: some quote the whole
   * input.
   */
  private static final int MAX_REASON_CHARS = 2_000;

  private static final AvroSerde<DeadLetter> LETTERS = AvroSerde.of(DeadLetter.class);

  private String deadLetterTopic;
  private int maxRecordBytes = RecordSizeLimit.DEFAULT_MAX_RECORD_BYTES;

  /**
   * Installs this handler for processing, production and deserialization errors in a Kafka Streams
   * configuration, with {@code deadLetterTopic} as Kafka Streams' dead-letter topic ({@code
   * errors.dead.letter.queue.topic.name}), and takes the partition's time for a record without a
   * valid timestamp instead of failing on it: so that no single record stops its partition.
   */
  public static void install(Properties streamsConfig, String deadLetterTopic) {
    streamsConfig.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
    // global stores too (logged there: Kafka Streams 4.3 cannot publish dead letters from a global
    // thread)
    streamsConfig.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    streamsConfig.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
    streamsConfig.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterExceptionHandler.class);
    streamsConfig.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, deadLetterTopic);
    streamsConfig.put(
        StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG,
        UsePartitionTimeOnInvalidTimestamp.class);
  }

  @Override
  public void configure(Map<String, ?> configs) {
    Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    if (topic == null || topic.toString().isBlank()) {
      throw new ConfigException(
          StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG
              + " must name the dead-letter topic "
              + "for "
              + getClass().getSimpleName()
              + "; use DeadLetterExceptionHandler.install");
    }
    deadLetterTopic = topic.toString();
    Object max = configs.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
    max = max != null ? max : configs.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    if (max != null) {
      maxRecordBytes = Integer.parseInt(max.toString().trim());
    }
  }

  @Override
  public ProcessingExceptionHandler.Response handleError(
      ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    if (context.topic() == null) {
      // a punctuation, not a record: there is nothing to set aside, and it runs again at its next
      // time
      log.error(
          "scheduled work of {} in task {} failed; it runs again at its next time",
          context.processorNodeId(),
          context.taskId(),
          exception);
      return ProcessingExceptionHandler.Response.resume();
    }
    return ProcessingExceptionHandler.Response.resume(
        letter(
            context,
            null,
            ErrorCode.INTERNAL,
            "processing failed in " + context.processorNodeId(),
            exception));
  }

  @Override
  public DeserializationExceptionHandler.Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    return DeserializationExceptionHandler.Response.resume(
        letter(context, null, ErrorCode.UNDECODABLE, "could not be deserialized", exception));
  }

  @Override
  public ProductionExceptionHandler.Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof RetriableException) {
      return ProductionExceptionHandler.Response.retry();
    }
    if (context.topic() == null) {
      return unpublishedFromSchedule(context, record.topic(), exception);
    }
    if (deadLetterTopic.equals(record.topic())) {
      return lost(
          "a dead letter from "
              + at(context)
              + " that could not be published to "
              + deadLetterTopic,
          exception);
    }
    return ProductionExceptionHandler.Response.resume(
        letter(
            context,
            record.key(),
            ErrorCode.INTERNAL,
            "could not publish to " + record.topic(),
            exception));
  }

  @Override
  @SuppressWarnings("rawtypes") // as the interface declares it
  public ProductionExceptionHandler.Response handleSerializationError(
      ErrorHandlerContext context,
      ProducerRecord record,
      Exception exception,
      SerializationExceptionOrigin origin) {
    if (context.topic() == null) {
      return unpublishedFromSchedule(context, record.topic(), exception);
    }
    if (deadLetterTopic.equals(record.topic())) {
      if (record.value() instanceof DeadLetter letter) {
        // a processor's own dead letter, too large: published without the original bytes
        return ProductionExceptionHandler.Response.resume(
            List.of(fitting(letter, keyBytes(record.key()))));
      }
      return lost("a dead letter from " + at(context) + " that could not be serialized", exception);
    }
    return ProductionExceptionHandler.Response.resume(
        letter(
            context,
            null,
            ErrorCode.INTERNAL,
            "could not serialize the "
                + origin.name().toLowerCase(Locale.ROOT)
                + " for "
                + record.topic(),
            exception));
  }

  /**
   * A record that scheduled work (a punctuation) could not publish, for a reason retrying will not
   * cure: there is no input record to set aside, so it is lost.
   */
  private static ProductionExceptionHandler.Response unpublishedFromSchedule(
      ErrorHandlerContext context, String topic, Exception exception) {
    return lost(
        "a record that scheduled work of "
            + context.processorNodeId()
            + " in task "
            + context.taskId()
            + " published to "
            + topic,
        exception);
  }

  /**
   * A record that could not be published and that there is nowhere to set aside (a dead letter, or
   * a record of scheduled work): it is logged, and the work goes on.
   */
  private static ProductionExceptionHandler.Response lost(String record, Exception exception) {
    log.error("{} is lost: {}", record, ProducerText.escape(describe(exception)), exception);
    return ProductionExceptionHandler.Response.resume();
  }

  /** Where the record being processed was read: {@code topic-partition@offset}. */
  private static String at(ErrorHandlerContext context) {
    return context.topic() + "-" + context.partition() + "@" + context.offset();
  }

  /**
   * The dead letter of the record being processed, as the one record to publish. Kafka Streams lets
   * go of the input record's bytes once a record derived from it is serialized, so a letter for a
   * failed send may have none: it says so, and its origin says where they are; {@code outputKey},
   * the failed record's key, keys it then.
   */
  private List<ProducerRecord<byte[], byte[]>> letter(
      ErrorHandlerContext context,
      byte[] outputKey,
      ErrorCode code,
      String what,
      Exception exception) {
    String reason = what + ": " + describe(exception);
    byte[] value = context.sourceRawValue();
    if (value == null) {
      reason += " (the original record is at " + at(context) + ")";
    }
    log.error(
        "record {} sent to the dead-letter topic {}: {}",
        at(context),
        deadLetterTopic,
        ProducerText.escape(reason),
        exception);
    byte[] key = context.sourceRawKey() != null ? context.sourceRawKey() : outputKey;
    DeadLetter letter =
        TerminalResults.deadLetter(
                context.topic(),
                context.partition(),
                context.offset(),
                key,
                value,
                context.headers(),
                code,
                reason)
            .build();
    return List.of(fitting(letter, key));
  }

  /**
   * The record that publishes {@code letter}, within the size a record may have: without the
   * original bytes when they do not fit, and without the original headers and key when even those
   * do not; keyed by {@code key} unless it is longer than a key may be.
   */
  private ProducerRecord<byte[], byte[]> fitting(DeadLetter letter, byte[] key) {
    byte[] value = LETTERS.encode(letter);
    if (!RecordSizeLimit.fits(value.length, maxRecordBytes) && letter.getValue() != null) {
      letter =
          DeadLetter.newBuilder(letter)
              .setValue((ByteBuffer) null)
              .setErrorMessage(
                  letter.getErrorMessage()
                      + " (its "
                      + letter.getValue().remaining()
                      + " bytes are left out of "
                      + "this dead letter, which would be larger than a record may be; read them at "
                      + origin(letter)
                      + ")")
              .build();
      value = LETTERS.encode(letter);
    }
    if (!RecordSizeLimit.fits(value.length, maxRecordBytes)) {
      letter =
          DeadLetter.newBuilder(letter)
              .setKey((ByteBuffer) null)
              .setHeaders(List.of())
              .setErrorMessage(letter.getErrorMessage() + " (its key and headers are left out too)")
              .build();
      value = LETTERS.encode(letter);
    }
    return new ProducerRecord<>(deadLetterTopic, RecordSizeLimit.boundedKey(key), value);
  }

  private static String origin(DeadLetter letter) {
    return letter.getOriginTopic()
        + "-"
        + letter.getOriginPartition()
        + "@"
        + letter.getOriginOffset();
  }

  private static byte[] keyBytes(Object key) {
    return switch (key) {
      case byte[] b -> b;
      case String s -> s.getBytes(StandardCharsets.UTF_8);
      case null, default -> null;
    };
  }

  /** The exception's class and message, and its root cause's when that is another. */
  static String describe(Throwable exception) {
    Throwable root = exception;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text =
        exception.getClass().getName()
            + ": "
            + exception.getMessage()
            + (root == exception
                ? ""
                : " (caused by " + root.getClass().getName() + ": " + root.getMessage() + ")");
    return text.length() <= MAX_REASON_CHARS ? text : text.substring(0, MAX_REASON_CHARS) + "…";
  }
}

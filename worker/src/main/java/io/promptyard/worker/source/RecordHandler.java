package io.promptyard.worker.source;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.logging.JobLogContext;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import io.promptyard.schemas.tracing.JobTracing;
import io.promptyard.schemas.tracing.SpanErrors;
import io.promptyard.schemas.tracing.TraceHeaders;
import io.promptyard.worker.job.Delivery;
import io.promptyard.worker.job.JobOutcome;
import io.promptyard.worker.job.JobProcessor;
import io.promptyard.worker.job.OutcomePublisher;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one job record into a published outcome, whatever the source it came from: decodes it,
 * processes it, publishes the outcome, and dead-letters records that cannot be read or keep
 * failing. Public so that a job can be run through a worker in memory, without a source (the dev
 * module's trace test runs the router's output through it).
 */
public final class RecordHandler {

  private static final Logger log = LoggerFactory.getLogger(RecordHandler.class);

  private static final AttributeKey<Long> DELIVERY = AttributeKey.longKey("promptyard.delivery");

  /** What the source does with the record afterwards. */
  public enum Disposition {
    /** Its outcome (or dead letter) is published: acknowledge it. */
    DONE,
    /** Nothing was published: deliver it again. */
    REDELIVER
  }

  private final JobProcessor processor;
  private final OutcomePublisher publisher;
  private final int maxDeliveries;
  private final AvroSerde<RoutedRequest> serde = AvroSerde.of(RoutedRequest.class);
  private final Tracer tracer;

  /**
   * @param maxDeliveries deliveries after which a job that keeps failing goes to our dead-letter
   *     topic
   */
  public RecordHandler(JobProcessor processor, OutcomePublisher publisher, int maxDeliveries) {
    this.processor = processor;
    this.publisher = publisher;
    this.maxDeliveries = maxDeliveries;
    this.tracer = processor.tracing().tracer();
  }

  /**
   * Handles one delivery of a record.
   *
   * @param delivery how many times the record has been delivered, this one included
   */
  public Disposition handle(ConsumerRecord<String, byte[]> record, int delivery) {
    // With tracing off the span records nothing and passes the record's trace context on to every
    // record published for the job.
    Span span =
        tracer
            .spanBuilder("promptyard.job")
            .setSpanKind(SpanKind.CONSUMER)
            .setParent(TraceHeaders.extract(record.headers()))
            .startSpan();
    try (JobLogContext context = JobLogContext.open(record.key(), record.headers());
        Scope scope = span.makeCurrent()) {
      context.traceId(span.getSpanContext().getTraceId());
      if (span.isRecording()) {
        span.setAttribute(JobTracing.TOPIC, record.topic());
        span.setAttribute(DELIVERY, (long) delivery);
        queueWait(record);
      }
      return handle(record, delivery, context, span);
    } catch (RuntimeException e) {
      throw SpanErrors.recorded(span, e);
    } finally {
      span.end();
    }
  }

  /**
   * The time the record waited for a worker, as a span of the job: from when it was written (its
   * timestamp) to now.
   */
  private void queueWait(ConsumerRecord<String, byte[]> record) {
    if (record.timestamp() <= 0) {
      return;
    }
    tracer
        .spanBuilder("promptyard.queue_wait")
        .setStartTimestamp(record.timestamp(), TimeUnit.MILLISECONDS)
        .startSpan()
        .end(processor.clock().instant());
  }

  /** Handles one delivery with the job's log context open and its span current on this thread. */
  private Disposition handle(
      ConsumerRecord<String, byte[]> record, int delivery, JobLogContext context, Span span) {
    if (delivery > 1) {
      processor.metrics().redelivered();
    }
    RoutedRequest job;
    try {
      job = serde.decode(record.value());
    } catch (UndecodableRecordException e) {
      return deadLetter(record, ErrorCode.UNDECODABLE, e.getMessage());
    }
    context
        .requestId(job.getRequest().getId())
        .team(job.getRequest().getTeam())
        .provider(job.getDecision().getProvider())
        .attempt(job.getAttempts().size() + 1);
    if (span.isRecording()) {
      span.setAttribute(JobTracing.REQUEST_ID, JobTracing.bounded(job.getRequest().getId()));
      span.setAttribute(JobTracing.TEAM, JobTracing.bounded(job.getRequest().getTeam()));
      span.setAttribute(JobTracing.PROVIDER, job.getDecision().getProvider());
      span.setAttribute(JobTracing.MODEL, job.getDecision().getModel());
      span.setAttribute(JobTracing.ATTEMPT, (long) job.getAttempts().size() + 1);
    }
    try {
      // The idempotency protocol: begin (in process), mark publishing, publish, mark published,
      // acknowledge.
      Delivery replay = Delivery.of(record.headers(), job);
      JobOutcome outcome = processor.process(job, replay, publisher::chunk);
      if (outcome instanceof JobOutcome.Finished f) {
        processor.markPublishing(outcome, publisher.resultsPartition(f.result().getId()));
      }
      if (span.isRecording()) {
        span.setAttribute(JobTracing.OUTCOME, outcomeName(outcome));
      }
      Span publishing =
          tracer.spanBuilder("promptyard.publish").setSpanKind(SpanKind.PRODUCER).startSpan();
      try (Scope scope = publishing.makeCurrent()) {
        publisher.publish(outcome, record, replay, job.getRequest().getReplyTopic());
      } finally {
        publishing.end();
      }
      processor.markPublished(outcome, replay);
      return Disposition.DONE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Disposition.REDELIVER;
    } catch (RuntimeException e) {
      if (delivery >= maxDeliveries) {
        return deadLetter(
            record,
            ErrorCode.INTERNAL,
            "failed on " + delivery + " deliveries; last error: " + e.getMessage());
      }
      log.warn(
          "job {} failed on delivery {}; delivering it again: {}",
          ProducerText.escape(record.key()),
          delivery,
          ProducerText.escape(e.toString()));
      return Disposition.REDELIVER;
    }
  }

  /** What became of a job, for its span: a terminal status, or where it went instead. */
  private static String outcomeName(JobOutcome outcome) {
    return switch (outcome) {
      case JobOutcome.Finished f -> f.result().getStatus().name().toLowerCase(Locale.ROOT);
      case JobOutcome.Forwarded f -> "forwarded";
      case JobOutcome.Deferred d -> "deferred";
      case JobOutcome.AlreadyDone d -> "already_done";
      case JobOutcome.AlreadyPublished p -> "already_done";
      case JobOutcome.DuplicateId d -> "duplicate_id";
    };
  }

  private Disposition deadLetter(
      ConsumerRecord<String, byte[]> record, ErrorCode code, String reason) {
    Span.current().setAttribute(JobTracing.OUTCOME, "dead_lettered");
    Span.current().setAttribute(JobTracing.ERROR_CODE, code.name());
    log.warn(
        "job at {}-{}@{} sent to the dead-letter topic: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        ProducerText.escape(reason));
    DeadLetter letter =
        TerminalResults.deadLetter(
                record.topic(),
                record.partition(),
                record.offset(),
                record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8),
                record.value(),
                record.headers(),
                code,
                reason)
            .setRequestId(record.key())
            .build();
    try {
      publisher.deadLetter(letter);
      return Disposition.DONE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Disposition.REDELIVER;
    } catch (RuntimeException e) {
      log.error(
          "could not dead-letter job {}; delivering it again: {}",
          ProducerText.escape(record.key()),
          ProducerText.escape(e.toString()));
      return Disposition.REDELIVER;
    }
  }
}

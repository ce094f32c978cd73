package io.promptyard.worker.source;

import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.logging.JobLogContext;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import io.promptyard.worker.job.Delivery;
import io.promptyard.worker.job.JobOutcome;
import io.promptyard.worker.job.JobProcessor;
import io.promptyard.worker.job.OutcomePublisher;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one job record into a published outcome, whatever the source it came from: decodes it,
 * processes it, publishes the outcome, and dead-letters records that cannot be read or keep
 * failing.
 */
final class RecordHandler {

  private static final Logger log = LoggerFactory.getLogger(RecordHandler.class);

  /** What the source does with the record afterwards. */
  enum Disposition {
    /** Its outcome (or dead letter) is published: acknowledge it. */
    DONE,
    /** Nothing was published: deliver it again. */
    REDELIVER
  }

  private final JobProcessor processor;
  private final OutcomePublisher publisher;
  private final int maxDeliveries;
  private final AvroSerde<RoutedRequest> serde = AvroSerde.of(RoutedRequest.class);

  /**
   * @param maxDeliveries deliveries after which a job that keeps failing goes to our dead-letter
   *     topic
   */
  RecordHandler(JobProcessor processor, OutcomePublisher publisher, int maxDeliveries) {
    this.processor = processor;
    this.publisher = publisher;
    this.maxDeliveries = maxDeliveries;
  }

  /**
   * Handles one delivery of a record.
   *
   * @param delivery how many times the record has been delivered, this one included
   */
  Disposition handle(ConsumerRecord<String, byte[]> record, int delivery) {
    try (JobLogContext context = JobLogContext.open(record.key(), record.headers())) {
      return handle(record, delivery, context);
    }
  }

  /** Handles one delivery with the job's log context open on this thread. */
  private Disposition handle(
      ConsumerRecord<String, byte[]> record, int delivery, JobLogContext context) {
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
    try {
      // The idempotency protocol: begin (in process), mark publishing, publish, mark published,
      // acknowledge.
      Delivery replay = Delivery.of(record.headers(), job);
      JobOutcome outcome = processor.process(job, replay, publisher::chunk);
      if (outcome instanceof JobOutcome.Finished f) {
        processor.markPublishing(outcome, publisher.resultsPartition(f.result().getId()));
      }
      publisher.publish(outcome, record, replay, job.getRequest().getReplyTopic());
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

  private Disposition deadLetter(
      ConsumerRecord<String, byte[]> record, ErrorCode code, String reason) {
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

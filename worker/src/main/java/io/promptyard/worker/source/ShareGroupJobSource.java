package io.promptyard.worker.source;

import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.results.TerminalResults;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import io.promptyard.worker.job.JobOutcome;
import io.promptyard.worker.job.JobProcessor;
import io.promptyard.worker.job.OutcomePublisher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads jobs from one provider topic through a Kafka share group and acknowledges each record on its own:
 * ACCEPT once its outcome is published, RELEASE to have it redelivered when publishing failed. The jobs of
 * one poll run concurrently on virtual threads; the consumer itself stays on this source's thread, as the
 * Kafka client requires.
 */
public final class ShareGroupJobSource implements Runnable, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ShareGroupJobSource.class);

  private final KafkaShareConsumer<String, byte[]> consumer;
  private final String topic;
  private final JobProcessor processor;
  private final OutcomePublisher publisher;
  private final ExecutorService jobs;
  private final int maxDeliveries;
  private final AtomicBoolean running = new AtomicBoolean(true);
  // Graceful shutdown (see close() and releaseUnfinished()): set once the grace period is over.
  private volatile boolean releaseUnfinished;
  private final java.util.concurrent.atomic.AtomicInteger finishedWhileStopping = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger releasedWhileStopping = new java.util.concurrent.atomic.AtomicInteger();
  private final AvroSerde<RoutedRequest> serde = AvroSerde.of(RoutedRequest.class);

  /**
   * @param maxDeliveries deliveries after which a job that keeps failing to publish goes to our dead-letter
   *     topic, below the broker's own delivery limit (which would archive it silently)
   */
  public ShareGroupJobSource(String bootstrapServers, String groupId, String topic, int maxPollRecords, JobProcessor processor,
      OutcomePublisher publisher, ExecutorService jobs, int maxDeliveries) {
    this.consumer = new KafkaShareConsumer<>(Map.of(
        "bootstrap.servers", bootstrapServers,
        "group.id", groupId,
        "client.id", groupId + "-" + topic + "-" + System.identityHashCode(this),
        "share.acknowledgement.mode", "explicit",
        "max.poll.records", maxPollRecords), new StringDeserializer(), new ByteArrayDeserializer());
    this.topic = topic;
    this.processor = processor;
    this.publisher = publisher;
    this.jobs = jobs;
    this.maxDeliveries = maxDeliveries;
  }

  @Override
  public void run() {
    consumer.subscribe(Set.of(topic));
    try {
      while (running.get()) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
        if (records.isEmpty()) {
          continue;
        }
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
        List<CompletableFuture<AcknowledgeType>> acks = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
          batch.add(r);
          acks.add(CompletableFuture.supplyAsync(() -> handle(r), jobs));
        }
        for (int i = 0; i < batch.size(); i++) {
          AcknowledgeType ack = awaitAck(acks.get(i));
          consumer.acknowledge(batch.get(i), ack);
          if (!running.get()) {
            (ack == AcknowledgeType.ACCEPT ? finishedWhileStopping : releasedWhileStopping).incrementAndGet();
          }
        }
        consumer.commitAsync();
      }
    } catch (WakeupException e) {
      if (running.get()) {
        throw e;
      }
    } finally {
      consumer.close(Duration.ofSeconds(10));
    }
  }

  private AcknowledgeType handle(ConsumerRecord<String, byte[]> record) {
    RoutedRequest job;
    try {
      job = serde.decode(record.value());
    } catch (UndecodableRecordException e) {
      return deadLetter(record, ErrorCode.UNDECODABLE, e.getMessage());
    }
    try {
      JobOutcome outcome = processor.process(job, publisher::chunk);
      publisher.publish(outcome, record);
      processor.published(outcome);
      return AcknowledgeType.ACCEPT;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return AcknowledgeType.RELEASE;
    } catch (RuntimeException e) {
      int deliveries = record.deliveryCount().map(Short::intValue).orElse(1);
      if (deliveries >= maxDeliveries) {
        return deadLetter(record, ErrorCode.INTERNAL,
            "failed on " + deliveries + " deliveries; last error: " + e.getMessage());
      }
      log.warn("job {} failed on delivery {}; releasing it for redelivery: {}", record.key(), deliveries, e.toString());
      return AcknowledgeType.RELEASE;
    }
  }

  private AcknowledgeType deadLetter(ConsumerRecord<String, byte[]> record, ErrorCode code, String reason) {
    log.warn("job at {}-{}@{} sent to the dead-letter topic: {}", record.topic(), record.partition(), record.offset(), reason);
    DeadLetter letter = TerminalResults.deadLetter(record.topic(), record.partition(), record.offset(),
        record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8), record.value(), record.headers(),
        code, reason).setRequestId(record.key()).build();
    try {
      publisher.deadLetter(letter);
      return AcknowledgeType.ACCEPT;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return AcknowledgeType.RELEASE;
    } catch (RuntimeException e) {
      log.error("could not dead-letter job {}; releasing it: {}", record.key(), e.toString());
      return AcknowledgeType.RELEASE;
    }
  }

  /**
   * Graceful shutdown: how a job of the current batch is acknowledged. Its own outcome when it finishes;
   * RELEASE, so that another worker takes it, when {@link #releaseUnfinished()} was called first.
   */
  private AcknowledgeType awaitAck(CompletableFuture<AcknowledgeType> ack) {
    while (true) {
      if (releaseUnfinished && !ack.isDone()) {
        return AcknowledgeType.RELEASE;
      }
      try {
        return ack.get(100, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        // still running: look at releaseUnfinished again
      } catch (java.util.concurrent.ExecutionException e) {
        throw new java.util.concurrent.CompletionException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return AcknowledgeType.RELEASE;
      }
    }
  }

  /**
   * Stops polling; the jobs of the current batch run on and are acknowledged as they finish, then the
   * consumer closes. No wakeup: a wakeup could interrupt the acknowledgements of the batch, and the poll
   * returns within its timeout anyway.
   */
  @Override
  public void close() {
    running.set(false);
  }

  /** After {@link #close()}: acknowledges the jobs still running with RELEASE instead of waiting for them. */
  public void releaseUnfinished() {
    releaseUnfinished = true;
  }

  /** Jobs acknowledged ACCEPT (finished, forwarded, dead-lettered) since {@link #close()}. */
  public int finishedWhileStopping() {
    return finishedWhileStopping.get();
  }

  /** Jobs released for another worker since {@link #close()}. */
  public int releasedWhileStopping() {
    return releasedWhileStopping.get();
  }
}

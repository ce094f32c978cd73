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
          consumer.acknowledge(batch.get(i), acks.get(i).join());
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

  /** Stops polling after the current batch. */
  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
  }
}

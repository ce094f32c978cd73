package io.promptyard.worker.source;

import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.worker.job.JobProcessor;
import io.promptyard.worker.job.OutcomePublisher;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads jobs from one provider topic through a classic consumer group, for clusters without share
 * groups (before Kafka 4.2). The jobs of a partition run concurrently on virtual threads within a
 * bounded window; the committed offset of a partition never passes its lowest unfinished job, so a
 * slow job holds back the commit but not the jobs behind it. After a crash, what was finished above
 * the commit is delivered again and the idempotency ledger answers it without a provider call.
 */
public final class ConsumerGroupJobSource implements JobSource {

  private static final Logger log = LoggerFactory.getLogger(ConsumerGroupJobSource.class);

  /** How long a revoked partition's running jobs may finish before the partition is handed over. */
  private static final Duration REVOKE_GRACE = Duration.ofSeconds(10);

  /** Pause between deliveries of a job whose outcome could not be published. */
  private static final Duration REDELIVERY_PAUSE = Duration.ofSeconds(1);

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final RecordHandler handler;
  private final ExecutorService jobs;
  private final int window;
  private final AtomicBoolean running = new AtomicBoolean(true);

  /** Per assigned partition: its jobs not yet committed. Owned by the consumer thread. */
  private final Map<TopicPartition, PartitionWindow> windows = new HashMap<>();

  /**
   * @param window jobs of one partition taken and not yet committed, at most; a full window pauses
   *     the partition
   * @param maxDeliveries attempts to publish a job's outcome before it goes to our dead-letter
   *     topic
   */
  public ConsumerGroupJobSource(
      KafkaClientProperties kafka,
      String groupId,
      String topic,
      int maxPollRecords,
      int window,
      JobProcessor processor,
      OutcomePublisher publisher,
      ExecutorService jobs,
      int maxDeliveries) {
    this.consumer =
        CommittedReadConsumer.create(
            kafka,
            groupId,
            groupId + "-" + topic + "-" + System.identityHashCode(this),
            maxPollRecords);
    this.topic = topic;
    this.handler = new RecordHandler(processor, publisher, maxDeliveries);
    this.jobs = jobs;
    this.window = window;
  }

  @Override
  public void run() {
    consumer.subscribe(
        Set.of(topic),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            handOver(partitions);
          }

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

          @Override
          public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(windows::remove);
          }
        });
    PollLoop.run(running, this::pollUntilClosed, this::commitAndClose);
  }

  private void pollUntilClosed() {
    while (running.get()) {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
        windows
            .computeIfAbsent(
                new TopicPartition(r.topic(), r.partition()), tp -> new PartitionWindow())
            .take(r);
      }
      List<TopicPartition> full = new ArrayList<>();
      List<TopicPartition> open = new ArrayList<>();
      windows.forEach((tp, w) -> (w.isFull() ? full : open).add(tp));
      consumer.pause(full);
      consumer.resume(open.stream().filter(consumer.paused()::contains).toList());
      Map<TopicPartition, OffsetAndMetadata> commits = advance(windows.keySet());
      if (!commits.isEmpty()) {
        consumer.commitAsync(
            commits,
            (offsets, error) -> {
              if (error != null) {
                log.warn(
                    "could not commit {} (a later commit or a redelivery covers it): {}",
                    offsets,
                    error.toString());
              }
            });
      }
    }
  }

  private void commitAndClose() {
    try {
      consumer.commitSync(advance(windows.keySet()));
    } catch (RuntimeException e) {
      log.warn(
          "could not commit finished jobs on close; they will be delivered again: {}",
          e.toString());
    }
    consumer.close(PollLoop.CLOSE_TIMEOUT);
  }

  /**
   * Stops polling; finished jobs are committed, unfinished ones are delivered again to the next
   * owner.
   */
  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
  }

  /** Commit points that moved, for the given partitions. */
  private Map<TopicPartition, OffsetAndMetadata> advance(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    for (TopicPartition tp : partitions) {
      PartitionWindow w = windows.get(tp);
      if (w != null && w.advance()) {
        commits.put(tp, new OffsetAndMetadata(w.committable));
      }
    }
    return commits;
  }

  /**
   * Lets the running jobs of revoked partitions finish for a short while, and commits what
   * finished.
   */
  private void handOver(Collection<TopicPartition> partitions) {
    List<CompletableFuture<?>> running = new ArrayList<>();
    partitions.stream()
        .map(windows::get)
        .filter(w -> w != null)
        .forEach(w -> running.addAll(w.started.values()));
    try {
      CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
          .get(REVOKE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      log.warn(
          "jobs of revoked partitions {} still running after {}; the next owner gets them again",
          partitions,
          REVOKE_GRACE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Map<TopicPartition, OffsetAndMetadata> commits = advance(partitions);
    partitions.forEach(windows::remove);
    if (!commits.isEmpty()) {
      try {
        consumer.commitSync(commits);
      } catch (RuntimeException e) {
        log.warn(
            "could not commit revoked partitions {}; their finished jobs will be delivered again: {}",
            partitions,
            e.toString());
      }
    }
  }

  /** Runs one job until its outcome or dead letter is published, or the worker stops. */
  private void runJob(ConsumerRecord<String, byte[]> record) {
    for (int delivery = 1; ; delivery++) {
      if (handler.handle(record, delivery) == RecordHandler.Disposition.DONE) {
        return;
      }
      try {
        Thread.sleep(REDELIVERY_PAUSE.multipliedBy(Math.min(delivery, 10)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * The jobs of one partition between its commit point and its newest fetched record: started ones
   * by offset, and those waiting for a free slot. Used by the consumer thread only.
   */
  private final class PartitionWindow {
    private final TreeMap<Long, CompletableFuture<Void>> started = new TreeMap<>();
    private final ArrayDeque<ConsumerRecord<String, byte[]>> waiting = new ArrayDeque<>();
    private long committable = -1;
    private long committed = -1;

    void take(ConsumerRecord<String, byte[]> record) {
      waiting.add(record);
      startWhileRoom();
    }

    boolean isFull() {
      return started.size() + waiting.size() >= window;
    }

    /**
     * Drops the finished jobs below the lowest unfinished one; true when the commit point moved.
     */
    boolean advance() {
      while (!started.isEmpty() && started.firstEntry().getValue().isDone()) {
        committable = started.pollFirstEntry().getKey() + 1;
      }
      startWhileRoom();
      if (committable > committed) {
        committed = committable;
        return true;
      }
      return false;
    }

    private void startWhileRoom() {
      while (!waiting.isEmpty() && started.size() < window) {
        ConsumerRecord<String, byte[]> r = waiting.poll();
        started.put(r.offset(), CompletableFuture.runAsync(() -> runJob(r), jobs));
      }
    }
  }
}

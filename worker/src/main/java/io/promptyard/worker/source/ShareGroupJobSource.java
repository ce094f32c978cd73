package io.promptyard.worker.source;

import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.worker.job.JobProcessor;
import io.promptyard.worker.job.OutcomePublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads jobs from one provider topic through a Kafka share group and acknowledges each record on
 * its own: ACCEPT once its outcome is published, RELEASE to have it redelivered when publishing
 * failed, and RENEW (KIP-1222) while its job is still running, so a call longer than the broker's
 * acquisition lock is never handed to another worker meanwhile. The jobs of one poll run
 * concurrently on virtual threads; the consumer itself stays on this source's thread, as the Kafka
 * client requires. Before a poll that may fetch new records the source takes room for a whole poll
 * from the {@link InFlightLimit} it shares with the topic's other consumers, and each job gives its
 * place back as soon as it ends.
 */
public final class ShareGroupJobSource implements JobSource {

  private static final Logger log = LoggerFactory.getLogger(ShareGroupJobSource.class);

  /**
   * The broker's default {@code group.share.record.lock.duration.ms}, until the consumer reports
   * the real one.
   */
  private static final int DEFAULT_LOCK_MILLIS = 30_000;

  /** How long one wait for room lasts before the source looks again whether it was closed. */
  private static final Duration ROOM_WAIT = Duration.ofMillis(100);

  /** Replaced when it stops returning renewed records (see {@link #replaceStuckConsumer()}). */
  private KafkaShareConsumer<String, byte[]> consumer;

  private final Map<String, Object> consumerConfig;
  private final String topic;
  private final RecordHandler handler;
  private final ExecutorService jobs;
  private final InFlightLimit limit;
  private final int maxPollRecords;
  private final AtomicBoolean running = new AtomicBoolean(true);
  // Graceful shutdown (see close() and releaseUnfinished()): set once the grace period is over.
  private volatile boolean releaseUnfinished;
  private final AtomicInteger finishedWhileStopping = new AtomicInteger();
  private final AtomicInteger releasedWhileStopping = new AtomicInteger();

  /**
   * Completed to end the consumer thread's wait for its batch (see {@link #acknowledgeOrRenew}).
   */
  private volatile CompletableFuture<Void> batchWait = new CompletableFuture<>();

  /**
   * Jobs started and not acknowledged yet. A renewed record leaves the poll's batch and comes back
   * in a later poll; its job is found here rather than started twice. Owned by the consumer thread.
   */
  private final Map<RecordId, CompletableFuture<AcknowledgeType>> inFlight = new HashMap<>();

  /** The records of {@link #inFlight} renewed and not returned by a poll yet. */
  private final RenewedRecords<RecordId> renewed = new RenewedRecords<>();

  /**
   * @param maxDeliveries deliveries after which a job that keeps failing to publish goes to our
   *     dead-letter topic, below the broker's own delivery limit (which would archive it silently)
   */
  public ShareGroupJobSource(
      KafkaClientProperties kafka,
      String groupId,
      String topic,
      int maxPollRecords,
      JobProcessor processor,
      OutcomePublisher publisher,
      ExecutorService jobs,
      int maxDeliveries) {
    this(
        kafka,
        groupId,
        topic,
        maxPollRecords,
        new InFlightLimit(maxPollRecords),
        processor,
        publisher,
        jobs,
        maxDeliveries);
  }

  /**
   * @param limit jobs in flight at most, shared with the topic's other consumers; at least {@code
   *     maxPollRecords}
   * @param maxDeliveries deliveries after which a job that keeps failing to publish goes to our
   *     dead-letter topic, below the broker's own delivery limit (which would archive it silently)
   */
  public ShareGroupJobSource(
      KafkaClientProperties kafka,
      String groupId,
      String topic,
      int maxPollRecords,
      InFlightLimit limit,
      JobProcessor processor,
      OutcomePublisher publisher,
      ExecutorService jobs,
      int maxDeliveries) {
    if (limit.max() < maxPollRecords) {
      throw new IllegalArgumentException(
          "an in-flight limit of "
              + limit.max()
              + " leaves no room for a poll of "
              + maxPollRecords
              + " records");
    }
    this.consumerConfig =
        consumerConfig(
            kafka,
            groupId,
            groupId + "-" + topic + "-" + System.identityHashCode(this),
            maxPollRecords);
    this.consumer = newConsumer();
    this.topic = topic;
    this.handler = new RecordHandler(processor, publisher, maxDeliveries);
    this.jobs = jobs;
    this.limit = limit;
    this.maxPollRecords = maxPollRecords;
  }

  /** The operator's Kafka client properties, then the share consumer's own settings over them. */
  static Map<String, Object> consumerConfig(
      KafkaClientProperties kafka, String groupId, String clientId, int maxPollRecords) {
    return kafka.clientConfig(
        Map.of(
            "group.id",
            groupId,
            "client.id",
            clientId,
            "share.acknowledgement.mode",
            "explicit",
            // Records are acquired when a poll returns them, not prefetched: a prefetched
            // record's lock runs out
            // unseen while the poll keeps returning the renewed records of running jobs.
            "share.acquire.mode",
            "record_limit",
            "max.poll.records",
            maxPollRecords));
  }

  private KafkaShareConsumer<String, byte[]> newConsumer() {
    return new KafkaShareConsumer<>(
        consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
  }

  @Override
  public void run() {
    subscribe();
    // the consumer is read when closing: a stuck one may have been replaced meanwhile
    PollLoop.run(running, this::pollUntilClosed, () -> consumer.close(PollLoop.CLOSE_TIMEOUT));
  }

  /**
   * Polls, starts and acknowledges jobs until {@link #close()}, then {@linkplain #drain drains}.
   */
  private void pollUntilClosed() {
    while (running.get()) {
      // Only a poll with nothing of ours in flight fetches new records (while renewed records are
      // out, the client returns just those): it needs room for a whole poll first.
      int room = 0;
      if (inFlight.isEmpty()) {
        if (!roomForPoll()) {
          continue;
        }
        room = maxPollRecords;
      }
      ConsumerRecords<String, byte[]> records;
      try {
        // Renewed records come back in a later poll once the broker confirmed the renewal; poll
        // briefly while any are out.
        records = consumer.poll(Duration.ofMillis(inFlight.isEmpty() ? 200 : 20));
      } catch (RuntimeException e) {
        limit.give(room);
        throw e;
      }
      List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
      int started = 0;
      for (ConsumerRecord<String, byte[]> r : records) {
        batch.add(r);
        renewed.settled(RecordId.of(r));
        if (!inFlight.containsKey(RecordId.of(r))) {
          inFlight.put(RecordId.of(r), start(r));
          started++;
        }
      }
      if (started > room) {
        limit.takeAnyway(started - room);
      } else {
        limit.give(room - started);
      }
      if (!batch.isEmpty()) {
        acknowledgeOrRenew(batch);
        consumer.commitAsync();
      }
      if (renewed.overdue(System.nanoTime(), lockDuration()) > 0) {
        replaceStuckConsumer();
      }
    }
    drain();
  }

  /**
   * After {@link #close()}: keeps polling only to acknowledge the jobs still running — their
   * renewed records come back through polls — until each has finished or, once {@link
   * #releaseUnfinished()} was called, has been released for another worker. Records first delivered
   * now are released untouched.
   */
  private void drain() {
    while (!inFlight.isEmpty()) {
      if (renewed.overdue(System.nanoTime(), lockDuration()) > 0) {
        log.warn(
            "stopping without acknowledging {} running jobs of {}: the consumer no longer returns"
                + " their records; the broker gives them to another worker",
            inFlight.size(),
            topic);
        return;
      }
      List<ConsumerRecord<String, byte[]>> running = new ArrayList<>();
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(20))) {
        renewed.settled(RecordId.of(r));
        if (inFlight.containsKey(RecordId.of(r))) {
          running.add(r);
        } else {
          consumer.acknowledge(r, AcknowledgeType.RELEASE);
        }
      }
      acknowledgeOrRenew(running);
      consumer.commitSync();
    }
  }

  /** Takes room for a whole poll from the limit, waiting a little; false when there was none. */
  private boolean roomForPoll() {
    try {
      return limit.tryTake(maxPollRecords, ROOM_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.set(false);
      return false;
    }
  }

  /**
   * Runs the record's job on a virtual thread; its place in the limit is given back as soon as it
   * ends.
   */
  private CompletableFuture<AcknowledgeType> start(ConsumerRecord<String, byte[]> record) {
    try {
      return CompletableFuture.supplyAsync(() -> handle(record), jobs)
          .whenComplete((ack, error) -> limit.give(1));
    } catch (RuntimeException e) {
      limit.give(1);
      throw e;
    }
  }

  private AcknowledgeType handle(ConsumerRecord<String, byte[]> record) {
    int delivery = record.deliveryCount().map(Short::intValue).orElse(1);
    return switch (handler.handle(record, delivery)) {
      case DONE -> AcknowledgeType.ACCEPT;
      case REDELIVER -> AcknowledgeType.RELEASE;
    };
  }

  /**
   * Waits for the batch's jobs up to a third of the acquisition lock, then acknowledges the
   * finished ones and renews the lock of the others; every record of the poll is acknowledged one
   * way or the other, as the next poll requires.
   */
  private void acknowledgeOrRenew(List<ConsumerRecord<String, byte[]>> batch) {
    long renewAt = System.nanoTime() + lockDuration().toNanos() / 3;
    CompletableFuture<?> all =
        CompletableFuture.allOf(
            batch.stream()
                .map(r -> inFlight.get(RecordId.of(r)))
                .toArray(CompletableFuture[]::new));
    // One wait, ended by the batch, the renewal time or a shutdown's release (see
    // releaseUnfinished()): not slices, each of which would throw a TimeoutException.
    CompletableFuture<Void> wake = new CompletableFuture<>();
    batchWait = wake;
    all.whenComplete((done, error) -> wake.complete(null));
    if (releaseUnfinished) {
      wake.complete(null);
    }
    try {
      wake.get(Math.max(0, renewAt - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // the unfinished are renewed (or released) below; a job cannot fail here, its errors are
      // dispositions
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ConsumerRecord<String, byte[]> r : batch) {
      CompletableFuture<AcknowledgeType> job = inFlight.get(RecordId.of(r));
      if (job.isDone() || releaseUnfinished) {
        inFlight.remove(RecordId.of(r));
        AcknowledgeType ack =
            !job.isDone() || job.isCompletedExceptionally() ? AcknowledgeType.RELEASE : job.join();
        consumer.acknowledge(r, ack);
        if (!running.get()) {
          (ack == AcknowledgeType.ACCEPT ? finishedWhileStopping : releasedWhileStopping)
              .incrementAndGet();
        }
      } else {
        consumer.acknowledge(r, AcknowledgeType.RENEW);
        renewed.renewed(RecordId.of(r), System.nanoTime());
      }
    }
  }

  /** The acquisition lock the broker reported, or its default until it did. */
  private Duration lockDuration() {
    return Duration.ofMillis(consumer.acquisitionLockTimeoutMs().orElse(DEFAULT_LOCK_MILLIS));
  }

  private void subscribe() {
    consumer.setAcknowledgementCommitCallback(this::acknowledged);
    consumer.subscribe(Set.of(topic));
  }

  /**
   * Replaces a consumer that renewed records and never returned them (see {@link RenewedRecords}):
   * it fetches nothing new while it waits for them, so the source would take no job again. Its jobs
   * run on, their places held until they end; their records, whose locks have lapsed, go to
   * whichever consumer fetches them next, and the idempotency ledger keeps a second result out.
   */
  private void replaceStuckConsumer() {
    log.warn(
        "the share consumer of {} has not returned {} renewed records within their {} acquisition"
            + " lock; replacing it (the jobs of its {} records in flight run on, and their records go"
            + " to the next consumer)",
        topic,
        renewed.overdue(System.nanoTime(), lockDuration()),
        lockDuration(),
        inFlight.size());
    inFlight.clear();
    renewed.clear();
    try {
      consumer.close(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      log.warn("could not close the stuck share consumer of {}: {}", topic, e.toString());
    }
    consumer = newConsumer();
    subscribe();
  }

  /** Called on this source's thread when the broker answered acknowledgements. */
  private void acknowledged(Map<TopicIdPartition, Set<Long>> offsets, Exception error) {
    if (error == null) {
      return;
    }
    // A failed renewal means the lock was lost: the record may go to another worker, and it will
    // not come back here. The job runs on; the idempotency ledger keeps a second result out.
    for (var entry : offsets.entrySet()) {
      for (long offset : entry.getValue()) {
        RecordId id = new RecordId(entry.getKey().topic(), entry.getKey().partition(), offset);
        renewed.settled(id);
        if (inFlight.remove(id) != null) {
          log.warn("lost the acquisition lock of running job {}: {}", id, error.toString());
        }
      }
    }
  }

  /**
   * Stops taking new jobs; the jobs still running are acknowledged as they finish (see {@link
   * #drain()}), then the consumer closes. No wakeup: it could cut the acknowledgements short, and
   * polls are short anyway.
   */
  @Override
  public void close() {
    running.set(false);
  }

  /**
   * After {@link #close()}: acknowledges the jobs still running with RELEASE instead of waiting for
   * them.
   */
  @Override
  public void releaseUnfinished() {
    releaseUnfinished = true;
    batchWait.complete(null);
  }

  /** Jobs acknowledged ACCEPT (finished, forwarded, dead-lettered) since {@link #close()}. */
  @Override
  public int finishedWhileStopping() {
    return finishedWhileStopping.get();
  }

  /** Jobs released for another worker since {@link #close()}. */
  @Override
  public int releasedWhileStopping() {
    return releasedWhileStopping.get();
  }

  private record RecordId(String topic, int partition, long offset) {
    static RecordId of(ConsumerRecord<?, ?> r) {
      return new RecordId(r.topic(), r.partition(), r.offset());
    }

    @Override
    public String toString() {
      return topic + "-" + partition + "@" + offset;
    }
  }
}

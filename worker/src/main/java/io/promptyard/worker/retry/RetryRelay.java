package io.promptyard.worker.retry;

import io.promptyard.schemas.Priority;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.topics.RecordHeaders;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.worker.source.CommittedReadConsumer;
import io.promptyard.worker.source.PollLoop;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands jobs parked on the providers' retry topics back to their provider topics once they are due,
 * never before; each lane ({@link Topics#retry(String, Priority)}) has its own retry topic and gets
 * its jobs back on its own provider topic. A partition whose head record is not due yet is paused,
 * so the records behind it wait in the log rather than in memory; its offset is committed only
 * after the broker acknowledged the republished record (at least once: the idempotency ledger
 * absorbs a job relayed twice).
 */
public final class RetryRelay implements Runnable, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RetryRelay.class);

  /** Longest poll while waiting, so a relay notices new assignments and stays responsive. */
  private static final Duration MAX_WAIT = Duration.ofSeconds(1);

  private final KafkaConsumer<String, byte[]> consumer;
  private final Producer<String, byte[]> producer;
  private final Map<String, String> routeByRetryTopic;
  private final Clock clock;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicBoolean warnedAboutDueHeader = new AtomicBoolean();

  /** Fetched but not yet relayed, per partition, in offset order; owned by the consumer thread. */
  private final Map<TopicPartition, ArrayDeque<ConsumerRecord<String, byte[]>>> waiting =
      new HashMap<>();

  private final AtomicInteger waitingCount = new AtomicInteger();

  /**
   * Offsets of relayed records whose commit the broker has not taken yet; owned by the consumer
   * thread.
   */
  private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();

  /**
   * @param groupId the relay's consumer group, e.g. the worker group with {@code -retry} appended
   * @param producer publishes the due jobs; shared with the worker, not closed here
   */
  public RetryRelay(
      KafkaClientProperties kafka,
      String groupId,
      Topics topics,
      Collection<String> providers,
      Producer<String, byte[]> producer,
      Clock clock) {
    this.consumer =
        CommittedReadConsumer.create(
            kafka, groupId, groupId + "-" + System.identityHashCode(this), 500);
    this.producer = producer;
    this.routeByRetryTopic = new HashMap<>();
    for (String provider : providers) {
      for (Priority lane : Priority.values()) {
        routeByRetryTopic.put(topics.retry(provider, lane), topics.route(provider, lane));
      }
    }
    this.clock = clock;
  }

  @Override
  public void run() {
    consumer.subscribe(
        routeByRetryTopic.keySet(),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Records merely fetched are fetched again by whoever gets the partition; what was
            // relayed is committed
            // now if the broker takes it, else relayed again by the next owner.
            if (partitions.stream().anyMatch(uncommitted::containsKey)) {
              commit();
            }
            partitions.forEach(
                tp -> {
                  forget(tp);
                  uncommitted.remove(tp);
                });
          }

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
        });
    PollLoop.run(running, this::relayUntilClosed, () -> consumer.close(PollLoop.CLOSE_TIMEOUT));
  }

  private void relayUntilClosed() {
    while (running.get()) {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(pollTimeout())) {
        waiting
            .computeIfAbsent(new TopicPartition(r.topic(), r.partition()), tp -> new ArrayDeque<>())
            .add(r);
        waitingCount.incrementAndGet();
      }
      relayDue();
      if (!uncommitted.isEmpty()) {
        commit();
      }
    }
  }

  /** Records fetched and waiting for their due time; for tests and metrics. */
  public int waiting() {
    return waitingCount.get();
  }

  /** Stops the relay; what it has not relayed stays uncommitted and is relayed by the next one. */
  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
  }

  private Duration pollTimeout() {
    long now = clock.millis();
    long wait = MAX_WAIT.toMillis();
    for (ArrayDeque<ConsumerRecord<String, byte[]>> queue : waiting.values()) {
      if (!queue.isEmpty()) {
        wait = Math.min(wait, Math.max(0, dueAt(queue.peekFirst()) - now));
      }
    }
    return Duration.ofMillis(wait);
  }

  /**
   * Republishes every record that is due at the head of its partition, waits for the broker to take
   * them, and commits past them; pauses each partition whose head is still waiting and resumes the
   * others.
   */
  private void relayDue() {
    Map<TopicPartition, List<Relayed>> sent = new HashMap<>();
    long now = clock.millis();
    List<TopicPartition> toPause = new ArrayList<>();
    List<TopicPartition> toResume = new ArrayList<>();
    for (var entry : waiting.entrySet()) {
      ArrayDeque<ConsumerRecord<String, byte[]>> queue = entry.getValue();
      while (!queue.isEmpty() && dueAt(queue.peekFirst()) <= now) {
        ConsumerRecord<String, byte[]> r = queue.pollFirst();
        waitingCount.decrementAndGet();
        sent.computeIfAbsent(entry.getKey(), tp -> new ArrayList<>())
            .add(new Relayed(r.offset(), producer.send(republish(r))));
      }
      (queue.isEmpty() ? toResume : toPause).add(entry.getKey());
    }
    consumer.pause(toPause);
    consumer.resume(toResume.stream().filter(consumer.paused()::contains).toList());

    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    for (var entry : sent.entrySet()) {
      TopicPartition tp = entry.getKey();
      for (Relayed relayed : entry.getValue()) {
        if (!acknowledged(tp, relayed)) {
          // Everything from this record on is read again; what was sent after it may be relayed
          // twice.
          forget(tp);
          consumer.seek(tp, relayed.offset());
          consumer.resume(List.of(tp));
          break;
        }
        commits.put(tp, new OffsetAndMetadata(relayed.offset() + 1));
      }
    }
    uncommitted.putAll(commits);
  }

  /**
   * Commits past the relayed records. While the brokers do not answer (an outage), the offsets wait
   * for the next round; a partition that went to another relay meanwhile is relayed again from its
   * last commit (at least once).
   */
  private void commit() {
    try {
      consumer.commitSync(uncommitted);
      uncommitted.clear();
    } catch (RetriableException e) {
      log.warn(
          "could not commit the relayed offsets {} yet; trying again: {}",
          uncommitted,
          e.toString());
    } catch (CommitFailedException | RebalanceInProgressException e) {
      log.warn(
          "could not commit the relayed offsets {}: the partitions are being reassigned, and whoever gets them "
              + "relays their records again from the last commit: {}",
          uncommitted,
          e.toString());
      uncommitted.clear();
    }
  }

  private boolean acknowledged(TopicPartition tp, Relayed relayed) {
    try {
      relayed.sent().get();
      return true;
    } catch (ExecutionException e) {
      log.warn(
          "could not relay {}@{} to its provider topic; reading it again: {}",
          tp,
          relayed.offset(),
          e.getCause().toString());
      return false;
    } catch (InterruptedException e) {
      throw new org.apache.kafka.common.errors.InterruptException(e);
    }
  }

  private ProducerRecord<String, byte[]> republish(ConsumerRecord<String, byte[]> r) {
    var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
    for (Header h : r.headers()) {
      if (!RecordHeaders.DUE_AT.equals(h.key())) {
        headers.add(h);
      }
    }
    String route = routeByRetryTopic.get(r.topic());
    // Back to the partition it was parked from: the worker parked it in its team's partition of
    // the retry topic, which has as many partitions as the provider topic.
    Integer partition = r.partition() < producer.partitionsFor(route).size() ? r.partition() : null;
    return new ProducerRecord<>(route, partition, r.key(), r.value(), headers);
  }

  /** The record's due time; a record without a readable one is due now. */
  private long dueAt(ConsumerRecord<String, byte[]> r) {
    Header h = r.headers().lastHeader(RecordHeaders.DUE_AT);
    if (h != null && h.value() != null) {
      try {
        return Long.parseLong(new String(h.value(), StandardCharsets.UTF_8).trim());
      } catch (NumberFormatException e) {
        // handled below
      }
    }
    if (warnedAboutDueHeader.compareAndSet(false, true)) {
      log.warn(
          "retry record {}-{}@{} (request {}) has no readable {} header; relaying it at once (logged once)",
          r.topic(),
          r.partition(),
          r.offset(),
          ProducerText.escape(r.key()),
          RecordHeaders.DUE_AT);
    }
    return Long.MIN_VALUE;
  }

  private void forget(TopicPartition tp) {
    ArrayDeque<ConsumerRecord<String, byte[]>> queue = waiting.remove(tp);
    if (queue != null) {
      waitingCount.addAndGet(-queue.size());
    }
  }

  private record Relayed(long offset, Future<RecordMetadata> sent) {}
}

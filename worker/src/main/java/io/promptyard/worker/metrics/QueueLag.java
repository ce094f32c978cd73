package io.promptyard.worker.metrics;

import io.promptyard.schemas.config.KafkaClientProperties;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records waiting on each topic the workers consume, shown as the {@code
 * promptyard.worker.queue.lag} gauge and refreshed periodically through the admin client. For a
 * share group a partition's waiting records are its end offset minus the share-partition start
 * offset (the broker's own lag figure when it gives one, which leaves out records acknowledged
 * beyond the start); for a consumer group, its end offset minus the committed offset. A partition
 * the group has no offset for yet counts from its earliest offset, where the workers start. Records
 * taken by a worker and not yet acknowledged are still waiting.
 */
public final class QueueLag implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(QueueLag.class);
  private static final long TIMEOUT_SECONDS = 10;

  /** Which kind of group the workers read with. */
  public enum GroupKind {
    SHARE,
    CONSUMER
  }

  private final Admin admin;
  private final String groupId;
  private final GroupKind kind;
  private final List<String> topics;
  private final Map<String, Double> lag = new ConcurrentHashMap<>();
  private final AtomicBoolean failing = new AtomicBoolean();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("worker-queue-lag").daemon().factory());

  /** Registers one gauge per topic; call {@link #start(Duration)} to refresh them. */
  public QueueLag(
      KafkaClientProperties kafka,
      String groupId,
      GroupKind kind,
      List<String> topics,
      WorkerMetrics metrics) {
    this.admin =
        Admin.create(
            kafka.clientConfig(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, groupId + "-queue-lag")));
    this.groupId = groupId;
    this.kind = kind;
    this.topics = List.copyOf(topics);
    for (String topic : this.topics) {
      lag.put(topic, Double.NaN);
      metrics.lag(topic, this, q -> q.lag.getOrDefault(topic, Double.NaN));
    }
  }

  /** Refreshes the figures now and then every {@code interval}. */
  public QueueLag start(Duration interval) {
    timer.scheduleWithFixedDelay(
        this::refreshQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** The records waiting on {@code topic} at the last refresh; NaN before the first one. */
  public double lag(String topic) {
    return lag.getOrDefault(topic, Double.NaN);
  }

  /** Reads the offsets and updates every topic's figure. */
  public void refresh() throws Exception {
    Map<String, TopicDescription> described =
        admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    List<TopicPartition> partitions =
        described.values().stream()
            .flatMap(
                d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
            .toList();
    Map<TopicPartition, Long> end = offsets(partitions, OffsetSpec.latest());
    Map<TopicPartition, Long> earliest = offsets(partitions, OffsetSpec.earliest());
    Map<TopicPartition, Long> waiting =
        switch (kind) {
          case SHARE -> shareWaiting(partitions, end, earliest);
          case CONSUMER -> consumerWaiting(end, earliest);
        };
    Map<String, Double> totals = new HashMap<>();
    topics.forEach(t -> totals.put(t, 0.0));
    waiting.forEach((tp, n) -> totals.merge(tp.topic(), (double) Math.max(0, n), Double::sum));
    lag.putAll(totals);
  }

  private Map<TopicPartition, Long> shareWaiting(
      Collection<TopicPartition> partitions,
      Map<TopicPartition, Long> end,
      Map<TopicPartition, Long> earliest)
      throws Exception {
    Map<TopicPartition, SharePartitionOffsetInfo> offsets =
        admin
            .listShareGroupOffsets(
                Map.of(groupId, new ListShareGroupOffsetsSpec().topicPartitions(partitions)))
            .partitionsToOffsetInfo(groupId)
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    Map<TopicPartition, Long> waiting = new HashMap<>();
    for (TopicPartition tp : partitions) {
      SharePartitionOffsetInfo info = offsets.get(tp);
      if (info != null && info.startOffset() >= 0) {
        waiting.put(tp, info.lag().orElse(end.get(tp) - info.startOffset()));
      } else {
        waiting.put(tp, end.get(tp) - earliest.get(tp));
      }
    }
    return waiting;
  }

  private Map<TopicPartition, Long> consumerWaiting(
      Map<TopicPartition, Long> end, Map<TopicPartition, Long> earliest) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(groupId)
            .partitionsToOffsetAndMetadata()
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    Map<TopicPartition, Long> waiting = new HashMap<>();
    end.forEach(
        (tp, e) -> {
          OffsetAndMetadata c = committed.get(tp);
          waiting.put(tp, e - (c != null ? c.offset() : earliest.get(tp)));
        });
    return waiting;
  }

  private Map<TopicPartition, Long> offsets(Collection<TopicPartition> partitions, OffsetSpec spec)
      throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, spec));
    Map<TopicPartition, Long> offsets = new HashMap<>();
    admin
        .listOffsets(request)
        .all()
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .forEach((tp, info) -> offsets.put(tp, info.offset()));
    return offsets;
  }

  private void refreshQuietly() {
    try {
      refresh();
      if (failing.compareAndSet(true, false)) {
        log.info("queue lag of {} can be read again", topics);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      if (failing.compareAndSet(false, true)) {
        log.warn(
            "could not read the queue lag of {} (group {}); the gauges keep their last figures: {}",
            topics,
            groupId,
            e.toString());
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    admin.close(Duration.ofSeconds(5));
  }
}

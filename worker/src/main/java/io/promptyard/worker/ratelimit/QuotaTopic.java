package io.promptyard.worker.ratelimit;

import io.promptyard.schemas.TeamQuota;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.TopicAssignment;
import io.promptyard.worker.source.PollLoop;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the compacted quotas topic ({@code promptyard quota set}) from its beginning into a {@link
 * TeamQuotas}, and follows it, with a consumer of its own (every partition assigned, no group), so
 * every worker holds every team's quotas and weights and a change applies within a poll.
 */
public final class QuotaTopic implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(QuotaTopic.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration POLL_RETRY = Duration.ofSeconds(5);
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final AvroSerde<TeamQuota> SERDE = AvroSerde.of(TeamQuota.class);

  private final Consumer<String, byte[]> consumer;
  private final String topic;
  private final TeamQuotas quotas;
  private final Thread reader;
  private volatile boolean closing;

  /** Starts reading {@code topic}, which must exist, into {@code quotas}. */
  public QuotaTopic(KafkaClientProperties kafka, String topic, TeamQuotas quotas) {
    this.consumer =
        kafka.consumer(
            Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG,
                "promptyard-quotas-" + INSTANCES.incrementAndGet(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"));
    this.topic = topic;
    this.quotas = quotas;
    this.reader = Thread.ofPlatform().name("quota-reader").daemon().start(this::read);
  }

  private void read() {
    try {
      TopicAssignment.fromBeginning(consumer, topic, "the cluster");
      while (!closing) {
        for (ConsumerRecord<String, byte[]> r : poll()) {
          apply(r);
        }
      }
    } catch (WakeupException e) {
      if (!closing) {
        throw e;
      }
    } catch (RuntimeException e) {
      if (!closing) {
        log.error("quotas: stopped reading {}; the quotas and weights read so far stay", topic, e);
      }
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** Applies one record of the topic: a value is its key's quota, a tombstone removes it. */
  static void apply(TeamQuotas quotas, String key, byte[] value) {
    if (value == null) {
      quotas.remove(key);
    } else {
      quotas.put(SERDE.decode(value));
    }
  }

  private void apply(ConsumerRecord<String, byte[]> r) {
    try {
      apply(quotas, r.key(), r.value());
    } catch (RuntimeException e) {
      log.warn(
          "quotas: skipping record {} at {}-{}@{}: {}",
          ProducerText.escape(r.key()),
          r.topic(),
          r.partition(),
          r.offset(),
          e.toString());
    }
  }

  private Iterable<ConsumerRecord<String, byte[]>> poll() {
    return PollLoop.pollOrPause(consumer, POLL, POLL_RETRY, log, "quotas", topic);
  }

  @Override
  public void close() {
    closing = true;
    consumer.wakeup();
    try {
      reader.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.promptyard.worker.cache;

import io.promptyard.schemas.SemanticPause;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.TopicAssignment;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which teams' semantic mode is paused for their false hits: the compacted semantic-pauses topic
 * (written by the usage aggregator, and by an operator's reset), read whole from its beginning by a
 * consumer of its own (every partition, no group) for as long as the worker runs. A record that
 * cannot be read is skipped with a warning, and a failed poll is tried again after 5 s.
 */
public final class SemanticPauses implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SemanticPauses.class);

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /** No team paused, nothing read. */
  public static final SemanticPauses NONE = new SemanticPauses();

  private final AvroSerde<SemanticPause> serde = AvroSerde.of(SemanticPause.class);

  /** The paused teams' latest decisions: written by the reader thread, read by the jobs. */
  private final Map<String, SemanticPause> paused = new ConcurrentHashMap<>();

  private final Consumer<String, byte[]> consumer;
  private final String topic;
  private final Thread reader;
  private volatile boolean closing;

  private SemanticPauses() {
    this.consumer = null;
    this.topic = null;
    this.reader = null;
  }

  /** Starts reading {@code topic}, which must exist. */
  public SemanticPauses(KafkaClientProperties kafka, String topic) {
    this(
        kafka.consumer(
            Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG,
                "promptyard-semantic-pauses-" + INSTANCES.incrementAndGet(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest")),
        topic);
  }

  /** Starts reading {@code topic} with {@code consumer}, which it closes. */
  public SemanticPauses(Consumer<String, byte[]> consumer, String topic) {
    this.consumer = consumer;
    this.topic = topic;
    this.reader = Thread.ofPlatform().name("semantic-pauses-reader").daemon().start(this::read);
  }

  /** The decision that paused {@code team}'s semantic mode, when it is paused. */
  public Optional<SemanticPause> of(String team) {
    return Optional.ofNullable(paused.get(team));
  }

  /** Applies one record of the topic: a pause, a resume, or a tombstone (resumed). */
  void apply(String team, byte[] value) {
    SemanticPause decision = value == null ? null : serde.decode(value);
    if (decision != null && decision.getPaused()) {
      if (paused.put(team, decision) == null) {
        log.warn(
            "team {}: {}", ProducerText.escape(team), ProducerText.escape(decision.getReason()));
      }
    } else if (paused.remove(team) != null) {
      log.info(
          "team {}: {}",
          ProducerText.escape(team),
          decision == null
              ? "semantic mode resumed (its pause was removed)"
              : ProducerText.escape(decision.getReason()));
    }
  }

  private void read() {
    try {
      TopicAssignment.fromBeginning(consumer, topic, "the cluster");
      while (!closing) {
        for (ConsumerRecord<String, byte[]> r :
            TopicPoll.next(consumer, topic, "semantic pauses", log)) {
          try {
            apply(r.key(), r.value());
          } catch (RuntimeException e) {
            log.warn(
                "semantic pauses: skipping the record at {}-{}@{}: {}",
                r.topic(),
                r.partition(),
                r.offset(),
                e.toString());
          }
        }
      }
    } catch (WakeupException e) {
      if (!closing) {
        throw e;
      }
    } catch (RuntimeException e) {
      if (!closing) {
        log.error(
            "semantic pauses: stopped reading {}; the pauses this worker knew still apply",
            topic,
            e);
      }
    }
  }

  /** Stops reading. */
  @Override
  public void close() {
    if (reader == null) {
      return;
    }
    closing = true;
    consumer.wakeup();
    try {
      reader.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumer.close();
  }
}

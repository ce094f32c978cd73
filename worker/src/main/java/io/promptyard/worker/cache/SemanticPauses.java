package io.promptyard.worker.cache;

import io.promptyard.schemas.SemanticPause;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.worker.source.TopicReader;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
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

  /** Null for {@link #NONE}. */
  private final TopicReader reader;

  private SemanticPauses() {
    this.reader = null;
  }

  /** Starts reading {@code topic}, which must exist. */
  public SemanticPauses(KafkaClientProperties kafka, String topic) {
    this(
        TopicReader.consumer(kafka, "promptyard-semantic-pauses-" + INSTANCES.incrementAndGet()),
        topic);
  }

  /** Starts reading {@code topic} with {@code consumer}, which it closes. */
  public SemanticPauses(Consumer<String, byte[]> consumer, String topic) {
    this.reader =
        new TopicReader(
            "semantic-pauses-reader",
            consumer,
            topic,
            "semantic pauses",
            "the pauses this worker knew still apply",
            log,
            r -> apply(r.key(), r.value()));
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

  /** Stops reading. */
  @Override
  public void close() {
    if (reader != null) {
      reader.close();
    }
  }
}

package io.promptyard.worker.ratelimit;

import io.promptyard.schemas.TeamQuota;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.worker.source.TopicReader;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the compacted quotas topic ({@code promptyard quota set}) from its beginning into a {@link
 * TeamQuotas}, and follows it, with a consumer of its own (every partition assigned, no group), so
 * every worker holds every team's quotas and weights and a change applies within a poll.
 */
public final class QuotaTopic implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(QuotaTopic.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final AvroSerde<TeamQuota> SERDE = AvroSerde.of(TeamQuota.class);

  private final TopicReader reader;

  /** Starts reading {@code topic}, which must exist, into {@code quotas}. */
  public QuotaTopic(KafkaClientProperties kafka, String topic, TeamQuotas quotas) {
    this.reader =
        new TopicReader(
            "quota-reader",
            TopicReader.consumer(kafka, "promptyard-quotas-" + INSTANCES.incrementAndGet()),
            topic,
            "quotas",
            "the quotas and weights read so far stay",
            log,
            r -> apply(quotas, r.key(), r.value()));
  }

  /** Applies one record of the topic: a value is its key's quota, a tombstone removes it. */
  static void apply(TeamQuotas quotas, String key, byte[] value) {
    if (value == null) {
      quotas.remove(key);
    } else {
      quotas.put(SERDE.decode(value));
    }
  }

  @Override
  public void close() {
    reader.close();
  }
}

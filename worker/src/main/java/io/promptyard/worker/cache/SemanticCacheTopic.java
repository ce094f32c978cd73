package io.promptyard.worker.cache;

import io.promptyard.schemas.SemanticCacheEntry;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.UndecodableRecordException;
import io.promptyard.semanticcache.CompressedAnswer;
import io.promptyard.semanticcache.SemanticCache;
import io.promptyard.semanticcache.SemanticKey;
import io.promptyard.semanticcache.SemanticQuery;
import io.promptyard.worker.source.TopicReader;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compacted semantic-cache topic, every worker's copy of every entry: a worker writes the
 * answers it paid for there, keyed by entry id, and reads the whole topic, from its beginning and
 * with a consumer of its own (assigned every partition, no group), into its {@link SemanticCache}.
 * So a restarted or a new worker rebuilds its index, with the stored embeddings rather than by
 * embedding again; a tombstone (null value) removes an entry from every worker.
 *
 * <p>Compaction keeps an entry's latest record for ever, so the reader also tombstones entries
 * whose time has passed: those it reads already expired, and, every {@link #EXPIRY_SWEEP}, those
 * that expired since it read them. Every worker does it; the tombstones of one entry collapse into
 * one. (A worker that pays for the same prompt again just as another tombstones the expired entry
 * may lose its new entry to that tombstone: a later miss, never a wrong answer.) A record that
 * cannot be applied is skipped and a failed poll is tried again, so the reader stops only when the
 * worker does.
 */
public final class SemanticCacheTopic implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SemanticCacheTopic.class);

  /** Numbers each reader's and writer's Kafka client ids within this JVM. */
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /** How often the reader tombstones the entries that expired since it read them. */
  static final Duration EXPIRY_SWEEP = Duration.ofMinutes(1);

  private final String topic;
  private final SemanticCache cache;
  private final Consumer<String, byte[]> consumer;
  private final Producer<String, byte[]> producer;
  private final Clock clock;

  /** When each entry on the topic expires, by entry id; the reader thread's only. */
  private final Map<String, Long> expiries = new HashMap<>();

  private long nextSweepMillis;
  private static final AvroSerde<SemanticCacheEntry> ENTRIES =
      AvroSerde.of(SemanticCacheEntry.class);

  private final AvroSerde<SemanticCacheEntry> serde = ENTRIES;
  private final CountDownLatch loaded = new CountDownLatch(1);
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final TopicReader reader;

  /**
   * Starts reading {@code topic} into {@code cache}.
   *
   * @param kafka the cluster and its security settings
   * @param clock tells which entries have expired
   */
  public SemanticCacheTopic(
      KafkaClientProperties kafka, String topic, SemanticCache cache, Clock clock) {
    this(
        TopicReader.consumer(kafka, "promptyard-semantic-cache-" + INSTANCES.incrementAndGet()),
        new KafkaProducer<>(
            kafka.idempotentProducerConfig(
                Map.of(
                    ProducerConfig.CLIENT_ID_CONFIG,
                    "promptyard-semantic-cache-writer-" + INSTANCES.get(),
                    ProducerConfig.COMPRESSION_TYPE_CONFIG,
                    "zstd")),
            new StringSerializer(),
            new ByteArraySerializer()),
        topic,
        cache,
        clock);
  }

  /** Starts reading {@code topic} into {@code cache} with these clients, which it closes. */
  SemanticCacheTopic(
      Consumer<String, byte[]> consumer,
      Producer<String, byte[]> producer,
      String topic,
      SemanticCache cache,
      Clock clock) {
    this.consumer = consumer;
    this.producer = producer;
    this.topic = topic;
    this.cache = cache;
    this.clock = clock;
    this.nextSweepMillis = clock.millis() + EXPIRY_SWEEP.toMillis();
    this.reader =
        new TopicReader(
            "semantic-cache-reader",
            consumer,
            topic,
            "semantic cache",
            "this worker's semantic hits are those it had",
            log,
            new Entries());
  }

  /**
   * Waits, at most {@code bound}, until every entry that was on the topic when this worker started
   * is in its index; true when it is.
   */
  public boolean awaitLoaded(Duration bound) throws InterruptedException {
    return loaded.await(bound.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Entries and tombstones read into the index. */
  public long applied() {
    return applied.get();
  }

  /** Records skipped: undecodable, or embedded by another model. */
  public long skipped() {
    return skipped.get();
  }

  /** Writes {@code entry} under its id, for every worker (this one included) to read. */
  public void publish(String id, SemanticCacheEntry entry) {
    send(
        id,
        serde.encode(topic, entry),
        "entry for request " + ProducerText.escape(entry.getRequestId()));
  }

  /**
   * The entry a worker writes for the answer to {@code query}: its key, prompt, the request whose
   * answer it is, the answer as stored, its expiry and the embedding with its model's name.
   */
  public static SemanticCacheEntry entry(
      SemanticQuery query,
      float[] vector,
      String requestId,
      CompressedAnswer answer,
      Instant expires,
      String embedder) {
    List<Float> embedding = new ArrayList<>(vector.length);
    for (float v : vector) {
      embedding.add(v);
    }
    SemanticKey key = query.key();
    return SemanticCacheEntry.newBuilder()
        .setTeam(key.team())
        .setModel(key.model())
        .setDigest(key.digest())
        .setPrompt(query.text())
        .setRequestId(requestId)
        .setAnswer(ByteBuffer.wrap(answer.stored()))
        .setCompressed(answer.compressed())
        .setAnswerLength(answer.originalLength())
        .setExpiresAt(expires)
        .setEmbedder(embedder)
        .setEmbedding(embedding)
        .build();
  }

  /** The record of {@code entry} on {@code topic}: keyed by its entry id, as the readers expect. */
  public static ProducerRecord<String, byte[]> record(String topic, SemanticCacheEntry entry) {
    SemanticQuery query =
        new SemanticQuery(
            new SemanticKey(entry.getTeam(), entry.getModel(), entry.getDigest()),
            entry.getPrompt());
    return new ProducerRecord<>(topic, SemanticCache.entryId(query), ENTRIES.encode(topic, entry));
  }

  private void send(String id, byte[] value, String what) {
    producer.send(
        new ProducerRecord<>(topic, id, value),
        (meta, e) -> {
          if (e != null) {
            log.warn(
                "could not write semantic cache {} {} to {}: {}", what, id, topic, e.toString());
          }
        });
  }

  /** What the reader does with the topic's records, on its thread. */
  private final class Entries implements TopicReader.Records {

    /** Where each partition ended when the reader started: what it reads before it is loaded. */
    private Map<TopicPartition, Long> end = Map.of();

    @Override
    public void assigned(List<TopicPartition> partitions) {
      end = new HashMap<>(consumer.endOffsets(partitions));
    }

    @Override
    public void apply(ConsumerRecord<String, byte[]> r) {
      SemanticCacheTopic.this.apply(r);
    }

    @Override
    public void skipped(ConsumerRecord<String, byte[]> r) {
      skipped.incrementAndGet();
    }

    @Override
    public void polled() {
      sweepExpired();
      if (loaded.getCount() > 0 && caughtUp(end)) {
        cache.refresh();
        log.info(
            "semantic cache: {} entries read from {} ({} skipped)",
            cache.stats().entries(),
            topic,
            skipped.get());
        loaded.countDown();
      }
    }

    @Override
    public void stopped() {
      loaded.countDown();
    }
  }

  /** Every {@link #EXPIRY_SWEEP}: tombstones the entries that have expired since they were read. */
  private void sweepExpired() {
    long now = clock.millis();
    if (now < nextSweepMillis) {
      return;
    }
    nextSweepMillis = now + EXPIRY_SWEEP.toMillis();
    List<String> expired =
        expiries.entrySet().stream()
            .filter(e -> e.getValue() <= now)
            .map(Map.Entry::getKey)
            .toList();
    expired.forEach(this::tombstone);
  }

  /** Removes the expired entry {@code id} from the topic, for every worker. */
  private void tombstone(String id) {
    expiries.remove(id);
    send(id, null, "tombstone of expired entry");
  }

  private boolean caughtUp(Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void apply(ConsumerRecord<String, byte[]> r) {
    if (r.key() == null) {
      skipped.incrementAndGet();
      return;
    }
    if (r.value() == null) {
      expiries.remove(r.key());
      cache.remove(r.key());
      applied.incrementAndGet();
      return;
    }
    SemanticCacheEntry e;
    try {
      e = serde.decode(r.value());
    } catch (UndecodableRecordException ex) {
      log.warn(
          "semantic cache: skipping undecodable entry {} at {}-{}@{}: {}",
          ProducerText.escape(r.key()),
          r.topic(),
          r.partition(),
          r.offset(),
          ProducerText.escape(ex.getMessage()));
      skipped.incrementAndGet();
      return;
    }
    long expiresAt = e.getExpiresAt().toEpochMilli();
    if (expiresAt <= clock.millis()) {
      cache.remove(r.key());
      tombstone(r.key());
      skipped.incrementAndGet();
      return;
    }
    // Another model's entries too: they expire all the same.
    expiries.put(r.key(), expiresAt);
    if (!e.getEmbedder().equals(cache.embedder().describe())
        || e.getEmbedding().size() != cache.embedder().dimension()) {
      // another model's vectors are not comparable with this one's
      skipped.incrementAndGet();
      return;
    }
    float[] vector = new float[e.getEmbedding().size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = e.getEmbedding().get(i);
    }
    SemanticQuery query =
        new SemanticQuery(new SemanticKey(e.getTeam(), e.getModel(), e.getDigest()), e.getPrompt());
    if (!r.key().equals(SemanticCache.entryId(query))) {
      // its tombstone, keyed by the record's key, could never remove it
      skipped.incrementAndGet();
      return;
    }
    cache.put(
        query,
        vector,
        e.getRequestId(),
        new CompressedAnswer(bytes(e.getAnswer()), e.getAnswerLength(), e.getCompressed()),
        expiresAt);
    applied.incrementAndGet();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  @Override
  public void close() {
    reader.close();
    producer.close(Duration.ofSeconds(5));
  }
}

package io.promptyard.semanticcache;

import io.promptyard.semanticcache.NearMissGuard.NearMiss;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;

/**
 * Answers a question from the answer to an earlier question that means the same: the last user
 * message is compared by embedding, within the entries whose exact key part ({@link SemanticKey}:
 * team, model, other messages, parameters) is equal, and a hit needs both the similarity threshold
 * and the {@link NearMissGuard}'s consent. Entries expire at their TTL, the cache holds at most its
 * configured entries and bytes (least recently used go first), and a team's or a key's entries can
 * be dropped at once. Answers are kept zstd-compressed.
 */
public final class SemanticCache implements AutoCloseable {

  /** How often a put also drops every expired entry, so that they do not wait for eviction. */
  static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);

  /** Counted per entry besides its answer, prompt and vector: the index's graph and terms. */
  private static final int ENTRY_OVERHEAD_BYTES = 512;

  /**
   * A reused answer.
   *
   * @param requestId the request whose answer is reused
   * @param similarity cosine similarity of the two prompts
   * @param answer the answer's bytes, as stored by {@link #put}
   * @param cachedPrompt the prompt that answer was for
   */
  public record Hit(String requestId, double similarity, byte[] answer, String cachedPrompt) {}

  /**
   * What a lookup found.
   *
   * @param hit the answer to reuse, if any
   * @param refused the nearest candidate above the threshold that the guard refused, if any
   * @param vector the query's embedding, to hand back to {@link #put} after a miss
   */
  public record Lookup(Optional<Hit> hit, Optional<NearMiss> refused, float[] vector) {}

  /**
   * Counters since start.
   *
   * @param entries entries held
   * @param bytes bytes held (estimate, see {@link SemanticCacheConfig#maxBytes})
   * @param answerBytes answers' bytes as given
   * @param storedAnswerBytes answers' bytes as stored (compressed)
   * @param hits lookups answered
   * @param misses lookups not answered
   * @param refusals lookups with a candidate above the threshold refused by the guard
   * @param evictions entries dropped for the memory bound
   */
  public record Stats(
      int entries,
      long bytes,
      long answerBytes,
      long storedAnswerBytes,
      long hits,
      long misses,
      long refusals,
      long evictions) {}

  private record Entry(
      String team,
      String partition,
      String prompt,
      String requestId,
      CompressedAnswer answer,
      long expiresAtMillis,
      long bytes) {}

  private final Embedder embedder;
  private final SemanticCacheConfig config;
  private final Clock clock;
  private final VectorIndex index;

  // Guarded by this: the entries by id in least-recently-used order, and the counters. The index is
  // thread-safe on its own and searched outside the lock; an id it returns that is no longer here
  // (evicted, expired, invalidated since the last refresh) is skipped.
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true);
  private long bytes;
  private long answerBytes;
  private long storedAnswerBytes;
  private long hits;
  private long misses;
  private long refusals;
  private long evictions;
  private long nextSweepMillis;

  /** A cache held in memory. */
  public SemanticCache(Embedder embedder, SemanticCacheConfig config, Clock clock) {
    this(embedder, config, clock, new ByteBuffersDirectory());
  }

  /** A cache whose vector index lives in {@code directory} (an {@code MMapDirectory}, say). */
  public SemanticCache(
      Embedder embedder, SemanticCacheConfig config, Clock clock, Directory directory) {
    this.embedder = embedder;
    this.config = config;
    this.clock = clock;
    this.index = new VectorIndex(directory, config.refreshInterval().toNanos());
    this.nextSweepMillis = clock.millis() + SWEEP_INTERVAL.toMillis();
  }

  /**
   * Looks for an answer to {@code query}: embeds its text, then {@link #lookup(SemanticQuery,
   * float[])}.
   */
  public Lookup lookup(SemanticQuery query) {
    return lookup(query, embedder.embed(query.text()));
  }

  /** Looks for an answer to {@code query}, whose text's embedding is {@code vector}. */
  public Lookup lookup(SemanticQuery query, float[] vector) {
    return lookup(query, vector, config.minSimilarity());
  }

  /**
   * Looks for an answer to {@code query}, whose text's embedding is {@code vector}, among the
   * entries whose similarity is at least {@code minSimilarity} (a request's own threshold) rather
   * than the configured one.
   */
  public Lookup lookup(SemanticQuery query, float[] vector, double minSimilarity) {
    String partition = query.key().partition();
    List<VectorIndex.Candidate> nearest = index.nearest(partition, vector, config.candidates());
    Optional<NearMiss> refused = Optional.empty();
    long now = clock.millis();
    for (VectorIndex.Candidate candidate : nearest) {
      if (candidate.similarity() < minSimilarity) {
        break;
      }
      Entry entry = live(candidate.id(), partition, now);
      if (entry == null) {
        continue;
      }
      Optional<NearMiss> miss = NearMissGuard.compare(query.text(), entry.prompt());
      if (miss.isPresent()) {
        refused = refused.or(() -> miss);
        continue;
      }
      synchronized (this) {
        hits++;
      }
      Hit hit =
          new Hit(
              entry.requestId(), candidate.similarity(), entry.answer().answer(), entry.prompt());
      return new Lookup(Optional.of(hit), Optional.empty(), vector);
    }
    synchronized (this) {
      misses++;
      if (refused.isPresent()) {
        refusals++;
      }
    }
    return new Lookup(Optional.empty(), refused, vector);
  }

  /** Caches {@code answer} to {@code query}, embedding its text. */
  public void put(SemanticQuery query, String requestId, byte[] answer, Duration ttl) {
    put(query, embedder.embed(query.text()), requestId, answer, ttl);
  }

  /**
   * Caches {@code answer}, given by request {@code requestId}, to {@code query}, whose embedding is
   * {@code vector} (from the {@link Lookup} that missed), for {@code ttl}. The same text under the
   * same key replaces the earlier entry.
   */
  public void put(
      SemanticQuery query, float[] vector, String requestId, byte[] answer, Duration ttl) {
    if (!ttl.isPositive()) {
      return;
    }
    put(query, vector, requestId, CompressedAnswer.of(answer), clock.millis() + ttl.toMillis());
  }

  /**
   * Caches an answer already compressed (as read back from the semantic-cache topic) until {@code
   * expiresAtMillis}; an answer already expired is not cached.
   */
  public void put(
      SemanticQuery query,
      float[] vector,
      String requestId,
      CompressedAnswer stored,
      long expiresAtMillis) {
    if (expiresAtMillis <= clock.millis()) {
      return;
    }
    String partition = query.key().partition();
    String id = entryId(query);
    long size =
        stored.stored().length
            + 2L * query.text().length()
            + 4L * vector.length
            + ENTRY_OVERHEAD_BYTES;
    Entry entry =
        new Entry(
            query.key().team(), partition, query.text(), requestId, stored, expiresAtMillis, size);
    List<String> evicted;
    synchronized (this) {
      Entry old = entries.put(id, entry);
      if (old != null) {
        forget(old);
      }
      bytes += size;
      answerBytes += stored.originalLength();
      storedAnswerBytes += stored.stored().length;
      evicted = evictOverBounds();
    }
    index.put(id, partition, query.key().team(), vector);
    evicted.forEach(index::delete);
    if (sweepDue()) {
      sweepExpired();
    }
  }

  private synchronized boolean sweepDue() {
    long now = clock.millis();
    if (now < nextSweepMillis) {
      return false;
    }
    nextSweepMillis = now + SWEEP_INTERVAL.toMillis();
    return true;
  }

  /** Drops the entry {@code id} ({@link #entryId}); returns whether there was one. */
  public boolean remove(String id) {
    Entry old;
    synchronized (this) {
      old = entries.remove(id);
      if (old != null) {
        forget(old);
      }
    }
    index.delete(id);
    return old != null;
  }

  /** Drops every entry of {@code team}; returns how many. */
  public int invalidateTeam(String team) {
    int removed = removeWhere(e -> e.team().equals(team));
    index.deleteTeam(team);
    return removed;
  }

  /** Drops every entry under {@code key}; returns how many. */
  public int invalidate(SemanticKey key) {
    String partition = key.partition();
    int removed = removeWhere(e -> e.partition().equals(partition));
    index.deletePartition(partition);
    return removed;
  }

  /** Drops the expired entries now (lookups skip them anyway); returns how many. */
  public int sweepExpired() {
    long now = clock.millis();
    List<String> expired = new ArrayList<>();
    synchronized (this) {
      Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<String, Entry> e = it.next();
        if (e.getValue().expiresAtMillis() <= now) {
          forget(e.getValue());
          it.remove();
          expired.add(e.getKey());
        }
      }
    }
    expired.forEach(index::delete);
    return expired.size();
  }

  /** Makes every entry stored so far findable now, whatever the refresh interval. */
  public void refresh() {
    index.refresh();
  }

  public synchronized Stats stats() {
    return new Stats(
        entries.size(), bytes, answerBytes, storedAnswerBytes, hits, misses, refusals, evictions);
  }

  /** Segments of the vector index, each searched with its own HNSW graph (for figures). */
  public int indexSegments() {
    return index.segments();
  }

  public Embedder embedder() {
    return embedder;
  }

  @Override
  public void close() {
    index.close();
  }

  private synchronized Entry live(String id, String partition, long now) {
    Entry entry = entries.get(id);
    if (entry == null || !entry.partition().equals(partition)) {
      return null;
    }
    if (entry.expiresAtMillis() <= now) {
      entries.remove(id);
      forget(entry);
      index.delete(id);
      return null;
    }
    return entry;
  }

  private synchronized int removeWhere(java.util.function.Predicate<Entry> which) {
    int removed = 0;
    Iterator<Entry> it = entries.values().iterator();
    while (it.hasNext()) {
      Entry e = it.next();
      if (which.test(e)) {
        forget(e);
        it.remove();
        removed++;
      }
    }
    return removed;
  }

  /** Evicts least recently used entries past the bounds; the caller holds the lock. */
  private List<String> evictOverBounds() {
    List<String> evicted = new ArrayList<>();
    Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
    while ((entries.size() > config.maxEntries() || bytes > config.maxBytes()) && it.hasNext()) {
      Map.Entry<String, Entry> eldest = it.next();
      forget(eldest.getValue());
      it.remove();
      evicted.add(eldest.getKey());
      evictions++;
    }
    return evicted;
  }

  private void forget(Entry e) {
    bytes -= e.bytes();
  }

  /**
   * An entry's id: one per text under one key, so storing the same question again replaces it (and
   * the key of its record on a compacted topic).
   */
  public static String entryId(SemanticQuery query) {
    return entryId(query.key().partition(), query.text());
  }

  static String entryId(String partition, String text) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(partition.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}

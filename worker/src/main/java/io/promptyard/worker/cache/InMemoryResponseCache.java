package io.promptyard.worker.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A cache inside one JVM, for {@code promptyard dev} without Redis: each entry expires at its own
 * TTL, and the whole cache holds at most {@link #DEFAULT_MAX_BYTES} of keys and answers (past that,
 * Caffeine evicts the entries it judges least likely to be asked for again), so a worker left
 * running does not grow until it runs out of heap.
 */
public final class InMemoryResponseCache implements ResponseCache {

  /** What the cache holds at most by default: 64 MiB of keys and serialized answers. */
  public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

  /** Counted per entry besides its key and answer: the entry's own objects. */
  private static final int ENTRY_OVERHEAD_BYTES = 96;

  private record Entry(byte[] value, Duration ttl) {}

  private final Cache<String, Entry> entries;

  public InMemoryResponseCache(Clock clock) {
    this(clock, DEFAULT_MAX_BYTES);
  }

  /**
   * @param maxBytes keys and answers held at most, in bytes (a key's characters counted as bytes)
   */
  public InMemoryResponseCache(Clock clock, long maxBytes) {
    this.entries =
        Caffeine.newBuilder()
            // time as the clock tells it, so that a test's clock moves the TTLs too
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            .maximumWeight(maxBytes)
            .weigher(
                (String key, Entry e) -> key.length() + e.value().length + ENTRY_OVERHEAD_BYTES)
            .expireAfter(Expiry.writing((String key, Entry e) -> e.ttl()))
            .build();
  }

  @Override
  public Optional<byte[]> get(CacheKey key) {
    return Optional.ofNullable(entries.getIfPresent(key.redisKey())).map(Entry::value);
  }

  @Override
  public void put(CacheKey key, byte[] value, Duration ttl) {
    if (ttl.isPositive()) {
      entries.put(key.redisKey(), new Entry(value, ttl));
    }
  }

  /** Entries held now, expired ones not yet swept included (for tests and diagnostics). */
  long size() {
    entries.cleanUp();
    return entries.estimatedSize();
  }

  @Override
  public String describe() {
    return "in-memory";
  }
}

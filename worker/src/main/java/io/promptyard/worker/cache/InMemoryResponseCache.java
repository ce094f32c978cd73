package io.promptyard.worker.cache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A cache inside one JVM, for {@code promptyard dev} without Redis; entries expire by TTL. */
public final class InMemoryResponseCache implements ResponseCache {

  private record Entry(byte[] value, Instant expires) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final Clock clock;

  public InMemoryResponseCache(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Optional<byte[]> get(CacheKey key) {
    Entry e = entries.get(key.redisKey());
    if (e == null) {
      return Optional.empty();
    }
    if (e.expires().isBefore(clock.instant())) {
      entries.remove(key.redisKey(), e);
      return Optional.empty();
    }
    return Optional.of(e.value());
  }

  @Override
  public void put(CacheKey key, byte[] value, Duration ttl) {
    entries.put(key.redisKey(), new Entry(value, clock.instant().plus(ttl)));
  }

  @Override
  public String describe() {
    return "in-memory";
  }
}

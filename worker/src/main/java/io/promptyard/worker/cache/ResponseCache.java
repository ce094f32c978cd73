package io.promptyard.worker.cache;

import java.time.Duration;
import java.util.Optional;

/** Stores provider answers by a key that covers everything that changes the answer, and the tenant scope. */
public interface ResponseCache extends AutoCloseable {

  Optional<byte[]> get(CacheKey key);

  void put(CacheKey key, byte[] value, Duration ttl);

  /** Where the cache lives, for logs: {@code redis://host:port} or {@code in-memory}. */
  String describe();

  @Override
  default void close() {}
}

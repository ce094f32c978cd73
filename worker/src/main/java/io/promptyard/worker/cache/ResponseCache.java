package io.promptyard.worker.cache;

import java.time.Duration;
import java.util.Optional;

/**
 * Stores provider answers by a key that covers everything that changes the answer, and the tenant
 * scope.
 */
public interface ResponseCache extends AutoCloseable {

  Optional<byte[]> get(CacheKey key);

  void put(CacheKey key, byte[] value, Duration ttl);

  /**
   * Claims the call that will answer {@code key}, for at most {@code lease}, so that workers asked
   * the same question at once make one provider call: true when this caller got the claim (always,
   * for a cache that only one worker uses; also when the cache is unreachable).
   */
  default boolean claim(CacheKey key, String owner, Duration lease) {
    return true;
  }

  /** True while some worker holds the claim on {@code key}. */
  default boolean claimed(CacheKey key) {
    return false;
  }

  /** Gives up {@code owner}'s claim on {@code key}, if it still holds it. */
  default void release(CacheKey key, String owner) {}

  /** Where the cache lives, for logs: {@code redis://host:port} or {@code in-memory}. */
  String describe();

  @Override
  default void close() {}
}

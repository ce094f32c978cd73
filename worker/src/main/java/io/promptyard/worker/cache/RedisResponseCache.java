package io.promptyard.worker.cache;

import io.promptyard.worker.redis.RedisAvailability;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * The response cache in Redis, shared by every worker. While Redis cannot serve it (unreachable, or
 * refusing writes at {@code maxmemory}: see {@link RedisAvailability}) every lookup it cannot
 * answer is a miss and every store it refuses is skipped (said once at WARN, and once at INFO when
 * Redis serves again): a cache outage costs provider calls, never jobs.
 */
public final class RedisResponseCache implements ResponseCache {

  private static final Logger log = LoggerFactory.getLogger(RedisResponseCache.class);

  private static final String RELEASE =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

  private final UnifiedJedis redis;
  private final String description;
  private final RedisAvailability availability;

  public RedisResponseCache(UnifiedJedis redis, String description) {
    this.redis = redis;
    this.description = description;
    this.availability =
        new RedisAvailability(
            log,
            "the response cache in " + description,
            "lookups it cannot answer are misses and answers it refuses are not cached",
            redis::ping);
  }

  @Override
  public Optional<byte[]> get(CacheKey key) {
    return availability.call(
        () -> Optional.ofNullable(redis.get(key.redisKey().getBytes(StandardCharsets.UTF_8))),
        false,
        Optional.empty());
  }

  @Override
  public void put(CacheKey key, byte[] value, Duration ttl) {
    availability.call(
        () ->
            redis.set(
                key.redisKey().getBytes(StandardCharsets.UTF_8),
                value,
                SetParams.setParams().px(Math.max(1, ttl.toMillis()))),
        true,
        null);
  }

  /**
   * {@code SET NX PX} on the key's claim key: one worker calls, the others wait for the answer in
   * the cache. Without Redis every worker has its claim.
   */
  @Override
  public boolean claim(CacheKey key, String owner, Duration lease) {
    return availability.call(
        () ->
            "OK"
                .equals(
                    redis.set(
                        claimKey(key),
                        owner,
                        SetParams.setParams().nx().px(Math.max(1, lease.toMillis())))),
        true,
        true);
  }

  @Override
  public boolean claimed(CacheKey key) {
    return availability.call(() -> redis.exists(claimKey(key)), false, false);
  }

  @Override
  public void release(CacheKey key, String owner) {
    // Only the owner's claim: after its lease ran out another worker may hold a claim of its own.
    availability.call(
        () -> redis.eval(RELEASE, List.of(claimKey(key)), List.of(owner)), false, null);
  }

  private static String claimKey(CacheKey key) {
    return key.redisKey() + ":claim";
  }

  /** True while Redis cannot serve the cache: it is unreachable or refuses to store answers. */
  public boolean unavailable() {
    return availability.unavailable();
  }

  @Override
  public String describe() {
    return description;
  }

  /** Stops probing an unreachable Redis; the client is the caller's to close. */
  @Override
  public void close() {
    availability.close();
  }
}

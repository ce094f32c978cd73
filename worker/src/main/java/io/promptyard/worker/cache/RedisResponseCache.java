package io.promptyard.worker.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/** The response cache in Redis, shared by every worker. */
public final class RedisResponseCache implements ResponseCache {

  private final UnifiedJedis redis;
  private final String description;

  public RedisResponseCache(UnifiedJedis redis, String description) {
    this.redis = redis;
    this.description = description;
  }

  @Override
  public Optional<byte[]> get(CacheKey key) {
    return Optional.ofNullable(redis.get(key.redisKey().getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public void put(CacheKey key, byte[] value, Duration ttl) {
    redis.set(key.redisKey().getBytes(StandardCharsets.UTF_8), value, SetParams.setParams().px(Math.max(1, ttl.toMillis())));
  }

  @Override
  public String describe() {
    return description;
  }
}

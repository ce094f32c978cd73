package io.promptyard.worker.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * The response cache in Redis, shared by every worker. While Redis is unreachable every lookup is a miss and
 * every store is skipped (said once at WARN, and once at INFO when Redis answers again): a cache outage costs
 * provider calls, never jobs.
 */
public final class RedisResponseCache implements ResponseCache {

  private static final Logger log = LoggerFactory.getLogger(RedisResponseCache.class);

  private final UnifiedJedis redis;
  private final String description;
  private final AtomicBoolean unreachable = new AtomicBoolean();

  public RedisResponseCache(UnifiedJedis redis, String description) {
    this.redis = redis;
    this.description = description;
  }

  @Override
  public Optional<byte[]> get(CacheKey key) {
    try {
      Optional<byte[]> value = Optional.ofNullable(redis.get(key.redisKey().getBytes(StandardCharsets.UTF_8)));
      reachable();
      return value;
    } catch (JedisDataException e) {
      throw e;
    } catch (JedisException e) {
      unreachable(e);
      return Optional.empty();
    }
  }

  @Override
  public void put(CacheKey key, byte[] value, Duration ttl) {
    try {
      redis.set(key.redisKey().getBytes(StandardCharsets.UTF_8), value, SetParams.setParams().px(Math.max(1, ttl.toMillis())));
      reachable();
    } catch (JedisDataException e) {
      throw e;
    } catch (JedisException e) {
      unreachable(e);
    }
  }

  /** True while the last Redis command failed to reach Redis. */
  public boolean unreachable() {
    return unreachable.get();
  }

  private void unreachable(JedisException e) {
    if (unreachable.compareAndSet(false, true)) {
      log.warn("the response cache in {} is unreachable ({}): every lookup is a miss and answers are not cached until it "
          + "answers again", description, e.toString());
    }
  }

  private void reachable() {
    if (unreachable.compareAndSet(true, false)) {
      log.info("the response cache in {} answers again", description);
    }
  }

  @Override
  public String describe() {
    return description;
  }
}

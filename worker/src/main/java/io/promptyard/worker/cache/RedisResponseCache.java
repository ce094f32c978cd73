package io.promptyard.worker.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
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

  private static final String RELEASE =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

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

  /** {@code SET NX PX} on the key's claim key: one worker calls, the others wait for the answer in the cache. */
  @Override
  public boolean claim(CacheKey key, String owner, Duration lease) {
    try {
      boolean got = "OK".equals(redis.set(claimKey(key), owner, SetParams.setParams().nx().px(Math.max(1, lease.toMillis()))));
      reachable();
      return got;
    } catch (JedisDataException e) {
      throw e;
    } catch (JedisException e) {
      unreachable(e);
      return true;
    }
  }

  @Override
  public boolean claimed(CacheKey key) {
    try {
      boolean held = redis.exists(claimKey(key));
      reachable();
      return held;
    } catch (JedisDataException e) {
      throw e;
    } catch (JedisException e) {
      unreachable(e);
      return false;
    }
  }

  @Override
  public void release(CacheKey key, String owner) {
    try {
      // Only the owner's claim: after its lease ran out another worker may hold a claim of its own.
      redis.eval(RELEASE, List.of(claimKey(key)), List.of(owner));
      reachable();
    } catch (JedisDataException e) {
      throw e;
    } catch (JedisException e) {
      unreachable(e);
    }
  }

  private static String claimKey(CacheKey key) {
    return key.redisKey() + ":claim";
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

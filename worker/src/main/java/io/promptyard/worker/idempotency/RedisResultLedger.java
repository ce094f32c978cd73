package io.promptyard.worker.idempotency;

import java.time.Duration;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/** The ledger in Redis: one key per finished request id, with a TTL. */
public final class RedisResultLedger implements ResultLedger {
  private final UnifiedJedis redis;

  public RedisResultLedger(UnifiedJedis redis) {
    this.redis = redis;
  }

  @Override
  public boolean isDone(String requestId) {
    return redis.exists(key(requestId));
  }

  @Override
  public void markDone(String requestId, String status, Duration ttl) {
    redis.set(key(requestId), status, SetParams.setParams().px(Math.max(1, ttl.toMillis())));
  }

  private static String key(String requestId) {
    return "promptyard:done:" + requestId;
  }
}

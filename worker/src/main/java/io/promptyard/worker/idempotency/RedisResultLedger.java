package io.promptyard.worker.idempotency;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/** The ledger in Redis: one key per team and finished request id, with a TTL. */
public final class RedisResultLedger implements ResultLedger {
  private final UnifiedJedis redis;

  public RedisResultLedger(UnifiedJedis redis) {
    this.redis = redis;
  }

  @Override
  public boolean isDone(String team, String requestId) {
    return redis.exists(key(team, requestId));
  }

  @Override
  public void markDone(String team, String requestId, String status, Duration ttl) {
    redis.set(key(team, requestId), status, SetParams.setParams().px(Math.max(1, ttl.toMillis())));
  }

  /**
   * The Redis key. The team is URL-encoded because team names may contain ':' — unencoded, team "a" with
   * id "b:c" and team "a:b" with id "c" would share a key.
   */
  static String key(String team, String requestId) {
    return "promptyard:done:" + URLEncoder.encode(team, StandardCharsets.UTF_8) + ":" + requestId;
  }
}

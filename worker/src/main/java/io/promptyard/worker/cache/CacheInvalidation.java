package io.promptyard.worker.cache;

import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Removes cache entries from Redis by team, by model or all, with SCAN (never KEYS, which blocks
 * Redis) and UNLINK in batches.
 */
public final class CacheInvalidation {

  private static final int BATCH = 500;

  private CacheInvalidation() {}

  /**
   * Deletes every key matching {@code pattern} (see {@link CacheKey}'s patterns) and returns how
   * many.
   */
  public static long invalidate(UnifiedJedis redis, String pattern) {
    ScanParams params = new ScanParams().match(pattern).count(BATCH);
    String cursor = ScanParams.SCAN_POINTER_START;
    long removed = 0;
    do {
      ScanResult<String> page = redis.scan(cursor, params);
      List<String> keys = page.getResult();
      if (!keys.isEmpty()) {
        removed += redis.unlink(keys.toArray(String[]::new));
      }
      cursor = page.getCursor();
    } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    return removed;
  }
}

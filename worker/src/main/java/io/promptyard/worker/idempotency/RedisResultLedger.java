package io.promptyard.worker.idempotency;

import java.net.URLEncoder;
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
 * The ledger in Redis: one key per team and request id, with a TTL, holding the result's status once it is
 * published and {@code PUBLISHING:<partition>:<since>} while it is being published. While Redis is unreachable a
 * request counts as not done and marking it done is skipped (said once at WARN, and once at INFO when Redis
 * answers again). Failing instead would release the job: one whose result is already published would then be
 * called and published a second time, and the others would go to the dead-letter topic after a few deliveries.
 * The price of the outage is that a job redelivered during it may be called again.
 */
public final class RedisResultLedger implements ResultLedger {

  private static final Logger log = LoggerFactory.getLogger(RedisResultLedger.class);

  private static final String PUBLISHING = "PUBLISHING:";

  private final UnifiedJedis redis;
  private final AtomicBoolean unreachable = new AtomicBoolean();

  public RedisResultLedger(UnifiedJedis redis) {
    this.redis = redis;
  }

  @Override
  public boolean isDone(String team, String requestId) {
    return lookup(team, requestId).orElse(null) instanceof LedgerEntry.Done;
  }

  @Override
  public Optional<String> status(String team, String requestId) {
    return lookup(team, requestId).orElse(null) instanceof LedgerEntry.Done d ? Optional.of(d.status()) : Optional.empty();
  }

  @Override
  public Optional<LedgerEntry> lookup(String team, String requestId) {
    try {
      String value = redis.get(key(team, requestId));
      reachable();
      return Optional.ofNullable(value).map(RedisResultLedger::decode);
    } catch (JedisDataException e) {
      throw e;
    } catch (JedisException e) {
      unreachable(requestId, e);
      return Optional.empty();
    }
  }

  @Override
  public void markDone(String team, String requestId, String status, Duration ttl) {
    set(team, requestId, status, ttl);
  }

  @Override
  public void markPublishing(String team, String requestId, LedgerEntry.Publishing publishing, Duration ttl) {
    set(team, requestId, PUBLISHING + publishing.resultsPartition() + ":" + publishing.since(), ttl);
  }

  private void set(String team, String requestId, String value, Duration ttl) {
    try {
      redis.set(key(team, requestId), value, SetParams.setParams().px(Math.max(1, ttl.toMillis())));
      reachable();
    } catch (JedisDataException e) {
      throw e;
    } catch (JedisException e) {
      unreachable(requestId, e);
    }
  }

  /** A status name, or {@code PUBLISHING:<partition>:<since>}; a value this version cannot read counts as done. */
  static LedgerEntry decode(String value) {
    if (value.startsWith(PUBLISHING)) {
      String[] parts = value.substring(PUBLISHING.length()).split(":");
      try {
        return new LedgerEntry.Publishing(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
      } catch (RuntimeException e) {
        return new LedgerEntry.Done(value);
      }
    }
    return new LedgerEntry.Done(value);
  }

  /** True while the last Redis command failed to reach Redis. */
  public boolean unreachable() {
    return unreachable.get();
  }

  private void unreachable(String requestId, JedisException e) {
    if (unreachable.compareAndSet(false, true)) {
      log.warn("the idempotency ledger in Redis is unreachable ({}, first seen with request {}): requests count as not done "
          + "and finished ones are not recorded until it answers again", e.toString(), requestId);
    }
  }

  private void reachable() {
    if (unreachable.compareAndSet(true, false)) {
      log.info("the idempotency ledger in Redis answers again");
    }
  }

  /**
   * The Redis key. The team is URL-encoded because team names may contain ':' — unencoded, team "a" with
   * id "b:c" and team "a:b" with id "c" would share a key.
   */
  static String key(String team, String requestId) {
    return "promptyard:done:" + URLEncoder.encode(team, StandardCharsets.UTF_8) + ":" + requestId;
  }
}

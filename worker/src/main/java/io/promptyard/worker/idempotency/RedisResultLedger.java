package io.promptyard.worker.idempotency;

import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.worker.redis.RedisAvailability;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * The ledger in Redis: one key per team and request id, with a TTL, holding the result's status and
 * the {@link RequestFingerprint} of the request it answers once it is published ({@code
 * DONE:<fingerprint>:<status>}), {@code PUBLISHING:<partition>:<since>:<fingerprint>} while it is
 * being published, and {@code RUNNING:<owner>} while a worker processes it: a lease of {@link
 * #LEASE}, renewed every third of it, so that a job delivered again while another worker still runs
 * it (its lock lost when a worker joined) waits for that worker's result.
 *
 * <p>While Redis cannot serve the ledger (unreachable, or refusing writes at {@code maxmemory}: see
 * {@link RedisAvailability}) a request counts as not done and marking it is skipped; a Redis that
 * refuses writes still answers reads, so a lease it refuses becomes a plain lookup and a finished
 * request is still found done. Failing instead would release the job: one whose result is already
 * published would then be called and published a second time, and the others would go to the
 * dead-letter topic after a few deliveries. The price of the outage is that a job redelivered
 * during it may be called again; {@link #unavailable()} and {@link #skipped()} show it in the
 * worker's metrics.
 */
public final class RedisResultLedger implements ResultLedger, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisResultLedger.class);

  private static final String DONE = "DONE:";
  private static final String PUBLISHING = "PUBLISHING:";
  private static final String RUNNING = "RUNNING:";

  /**
   * How long a lease lasts unless renewed: a job of a worker that died waits at most this long for
   * nothing.
   */
  static final Duration LEASE = Duration.ofSeconds(30);

  private static final String DELETE_IF =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
  private static final String RENEW_IF =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

  /** The leases this worker holds, by Redis key, with their values; renewed until the job ends. */
  private final java.util.Map<String, String> held = new java.util.concurrent.ConcurrentHashMap<>();

  private final Thread renewer =
      Thread.ofVirtual().name("ledger-lease-renewal").unstarted(this::renewLeases);

  private final UnifiedJedis redis;
  private final RedisAvailability availability;

  public RedisResultLedger(UnifiedJedis redis) {
    this.redis = redis;
    this.availability =
        new RedisAvailability(
            log,
            "the idempotency ledger in Redis",
            "requests count as not done and finished ones are not recorded",
            redis::ping);
    renewer.start();
  }

  @Override
  public Optional<String> status(String team, String requestId) {
    return ResultLedger.doneStatus(lookup(team, requestId));
  }

  @Override
  public Optional<LedgerEntry> lookup(String team, String requestId) {
    if (availability.skip()) {
      return Optional.empty();
    }
    try {
      String value = redis.get(key(team, requestId));
      availability.answered(false);
      return Optional.ofNullable(value).map(RedisResultLedger::decode);
    } catch (JedisException e) {
      availability.failed(e, requestId);
      return Optional.empty();
    }
  }

  @Override
  public void markDone(String team, String requestId, LedgerEntry.Done done, Duration ttl) {
    held.remove(key(team, requestId));
    set(team, requestId, encode(done), ttl);
  }

  @Override
  public void markPublishing(
      String team, String requestId, LedgerEntry.Publishing publishing, Duration ttl) {
    held.remove(key(team, requestId));
    set(
        team,
        requestId,
        PUBLISHING
            + publishing.resultsPartition()
            + ":"
            + publishing.since()
            + (publishing.request() == null ? "" : ":" + publishing.request()),
        ttl);
  }

  /**
   * {@code SET NX GET}: the lease is taken, or the entry already there is returned, in one round
   * trip.
   */
  @Override
  public Optional<LedgerEntry> begin(String team, String requestId, String owner) {
    String key = key(team, requestId);
    String lease = RUNNING + owner;
    if (availability.skip()) {
      return Optional.empty();
    }
    try {
      String old = redis.setGet(key, lease, SetParams.setParams().nx().px(LEASE.toMillis()));
      availability.answered(true);
      if (old == null || old.equals(lease)) {
        held.put(key, lease);
        return Optional.empty();
      }
      return Optional.of(decode(old));
    } catch (JedisException e) {
      // Refused (out of memory): Redis still answers reads, and a request already done must still
      // be found done.
      return availability.failed(e, requestId) == RedisAvailability.State.REFUSING
          ? lookup(team, requestId)
          : Optional.empty();
    }
  }

  @Override
  public void abandon(String team, String requestId, String owner) {
    String key = key(team, requestId);
    if (held.remove(key) == null || availability.skip()) {
      return;
    }
    try {
      redis.eval(DELETE_IF, List.of(key), List.of(RUNNING + owner));
      availability.answered(false);
    } catch (JedisException e) {
      availability.failed(e, requestId);
    }
  }

  /**
   * Renews the leases of the jobs this worker is processing, every third of their duration, until
   * closed.
   */
  private void renewLeases() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(LEASE.dividedBy(3));
      } catch (InterruptedException e) {
        return;
      }
      // All at once, each on a virtual thread: a pipelined client sends them in a few batches,
      // where one after
      // the other thousands of leases would take longer to renew than they last.
      try (var renewals = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
        for (var lease : held.entrySet()) {
          renewals.submit(() -> renew(lease.getKey(), lease.getValue()));
        }
      }
    }
  }

  private void renew(String key, String lease) {
    try {
      redis.eval(RENEW_IF, List.of(key), List.of(lease, Long.toString(LEASE.toMillis())));
    } catch (JedisException e) {
      log.debug("could not renew the lease {}: {}", ProducerText.escape(key), e.toString());
    }
  }

  /** Stops renewing leases, which lapse by themselves, and probing an unreachable Redis. */
  @Override
  public void close() {
    renewer.interrupt();
    availability.close();
  }

  private void set(String team, String requestId, String value, Duration ttl) {
    if (availability.skip()) {
      return;
    }
    try {
      redis.set(key(team, requestId), value, SetParams.setParams().px(Math.max(1, ttl.toMillis())));
      availability.answered(true);
    } catch (JedisException e) {
      availability.failed(e, requestId);
    }
  }

  /**
   * {@code DONE:<fingerprint>:<status>}, or the bare status name when the request's fingerprint is
   * not known (as every done entry was written before the ledger kept fingerprints).
   */
  static String encode(LedgerEntry.Done done) {
    return done.request() == null ? done.status() : DONE + done.request() + ":" + done.status();
  }

  /**
   * A done entry ({@link #encode}), {@code PUBLISHING:<partition>:<since>[:<fingerprint>]} or
   * {@code RUNNING:<owner>}; an unreadable value counts as done.
   */
  static LedgerEntry decode(String value) {
    if (value.startsWith(RUNNING)) {
      return new LedgerEntry.Running(value.substring(RUNNING.length()));
    }
    if (value.startsWith(PUBLISHING)) {
      String[] parts = value.substring(PUBLISHING.length()).split(":");
      try {
        return new LedgerEntry.Publishing(
            Integer.parseInt(parts[0]),
            Long.parseLong(parts[1]),
            parts.length > 2 ? parts[2] : null);
      } catch (RuntimeException e) {
        return new LedgerEntry.Done(value);
      }
    }
    int fingerprintEnd = value.indexOf(':', DONE.length());
    if (value.startsWith(DONE) && fingerprintEnd > 0) {
      return new LedgerEntry.Done(
          value.substring(fingerprintEnd + 1), value.substring(DONE.length(), fingerprintEnd));
    }
    return new LedgerEntry.Done(value);
  }

  /** True while the ledger cannot be used: Redis is unreachable or refuses to store entries. */
  public boolean unavailable() {
    return availability.unavailable();
  }

  /** Ledger reads and writes skipped so far because Redis could not serve them. */
  public long skipped() {
    return availability.skipped();
  }

  /**
   * A Redis SCAN pattern matching every ledger key of one team (glob characters in its name
   * escaped).
   */
  public static String teamPattern(String team) {
    return key(team, "").replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + "*";
  }

  /**
   * The Redis key. The team is URL-encoded because team names may contain ':' — unencoded, team "a"
   * with id "b:c" and team "a:b" with id "c" would share a key.
   */
  public static String key(String team, String requestId) {
    return "promptyard:done:" + URLEncoder.encode(team, StandardCharsets.UTF_8) + ":" + requestId;
  }
}

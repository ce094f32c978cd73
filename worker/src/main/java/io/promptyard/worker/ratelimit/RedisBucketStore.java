package io.promptyard.worker.ratelimit;

import io.promptyard.worker.redis.RedisAvailability;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.function.Supplier;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * GCRA buckets in Redis, each a single key holding its theoretical arrival time (TAT) in
 * microseconds of the Redis server's clock ({@code TIME}), so that workers on hosts with skewed
 * clocks agree. Every change is one Lua script, run with {@code EVALSHA} and loaded with {@code
 * EVAL} only when Redis does not know it yet.
 */
final class RedisBucketStore implements BucketStore {

  /** Takes every draw or none; returns {granted 0/1, wait in µs}. */
  static final String RESERVE =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      local capacity = tonumber(ARGV[1])
      local maxWait = tonumber(ARGV[2])
      local start = now
      local hold = tonumber(redis.call('GET', KEYS[1]) or '0')
      if hold > start then start = hold end
      local tats = {}
      for i = 2, #KEYS do
        local interval = tonumber(ARGV[2 * i - 1])
        local cost = tonumber(ARGV[2 * i])
        local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
        if tat < now then tat = now end
        tats[i] = tat + interval * cost
        if tats[i] - capacity > start then start = tats[i] - capacity end
      end
      local wait = start - now
      if wait > maxWait then return {0, math.floor(wait)} end
      for i = 2, #KEYS do
        redis.call('SET', KEYS[i], string.format('%d', tats[i]), 'PX', math.floor((tats[i] - now) / 1000) + 1000)
      end
      return {1, math.floor(wait)}
      """;

  /** Charges or refunds, caps each bucket at what the provider says remains, and sets the hold. */
  static final String SETTLE =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      local capacity = tonumber(ARGV[1])
      local holdFor = tonumber(ARGV[2])
      local holdUntil = now + holdFor
      if holdFor > 0 then
        local current = tonumber(redis.call('GET', KEYS[1]) or '0')
        if current < holdUntil then
          redis.call('SET', KEYS[1], string.format('%d', holdUntil), 'PX', math.floor(holdFor / 1000) + 1)
        end
      end
      for i = 2, #KEYS do
        local interval = tonumber(ARGV[3 * i - 3])
        local delta = tonumber(ARGV[3 * i - 2])
        local remaining = tonumber(ARGV[3 * i - 1])
        local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
        if tat < now then tat = now end
        tat = tat + delta * interval
        if tat < now then tat = now end
        if remaining >= 0 then
          local floor = now + capacity - (remaining + 1) * interval
          if tat < floor then tat = floor end
        end
        if holdFor > 0 then
          local floor = holdUntil + capacity - interval
          if tat < floor then tat = floor end
        end
        redis.call('SET', KEYS[i], string.format('%d', tat), 'PX', math.floor((tat - now) / 1000) + 1000)
      end
      return 1
      """;

  /**
   * Registers a worker as alive and returns how many are; members not seen for {@code ARGV[2]} ms
   * are gone.
   */
  static final String HEARTBEAT =
      """
      local t = redis.call('TIME')
      local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local ttl = tonumber(ARGV[2])
      redis.call('ZADD', KEYS[1], nowMs, ARGV[1])
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowMs - ttl)
      redis.call('PEXPIRE', KEYS[1], ttl * 2)
      return redis.call('ZCARD', KEYS[1])
      """;

  /**
   * Marks the members in {@code ARGV[2..]} (each a {@code provider|team} waiting for a turn) as
   * seen now, forgets those not seen for {@code ARGV[1]} ms, and returns the members left: which
   * teams wait for which provider on any worker.
   */
  static final String TEAMS =
      """
      local t = redis.call('TIME')
      local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local ttl = tonumber(ARGV[1])
      for i = 2, #ARGV do
        redis.call('ZADD', KEYS[1], nowMs, ARGV[i])
      end
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowMs - ttl)
      redis.call('PEXPIRE', KEYS[1], ttl * 2)
      return redis.call('ZRANGE', KEYS[1], 0, -1)
      """;

  /**
   * How many of this store's calls may be inside the Jedis pool at once: its default size (8
   * connections). Thousands of virtual threads reserving at once must queue here, not in the pool:
   * while the pool is still opening connections, commons-pool2 (2.12.1) lets every borrower that
   * finds it at capacity re-enter a monitor in a loop without waiting (an unbounded {@code
   * maxWait}, Jedis's default, becomes a negative remaining wait), and 1,800 spinning borrowers on
   * two cores starved the connection makers for up to 35 s, delaying every reservation, and so the
   * limit's whole schedule, by as much.
   */
  static final int MAX_CONCURRENT_CALLS = 8;

  private final UnifiedJedis redis;
  private final long capacityMicros;

  /** Fair, so that reservations reach Redis in the order the calls asked for them. */
  private final Semaphore gate = new Semaphore(MAX_CONCURRENT_CALLS, true);

  private volatile boolean bypassed;
  private final Script reserve = new Script(RESERVE);
  private final Script settle = new Script(SETTLE);
  private final Script heartbeat = new Script(HEARTBEAT);
  private final Script teams = new Script(TEAMS);

  /**
   * @param capacityMicros how far ahead of now a bucket's TAT may be: its burst, in refill time
   */
  RedisBucketStore(UnifiedJedis redis, long capacityMicros) {
    this.redis = redis;
    this.capacityMicros = capacityMicros;
  }

  @Override
  public Reservation reserve(String holdKey, List<Draw> draws, long maxWaitMicros) {
    List<?> reply =
        (List<?>)
            run(
                reserve,
                holdKey,
                maxWaitMicros,
                draws,
                Draw::key,
                d -> new long[] {d.intervalMicros(), d.cost()});
    return new Reservation(((Long) reply.get(0)) == 1L, (Long) reply.get(1));
  }

  @Override
  public void settle(String holdKey, long holdMicros, List<Adjust> adjusts) {
    run(
        settle,
        holdKey,
        holdMicros,
        adjusts,
        Adjust::key,
        a -> new long[] {a.intervalMicros(), a.delta(), a.remaining()});
  }

  /**
   * Runs {@code script} with the keys and arguments both scripts take: the hold key, then each
   * bucket's key; the capacity, {@code argument}, then each bucket's own arguments.
   */
  private <B> Object run(
      Script script,
      String holdKey,
      long argument,
      List<B> buckets,
      Function<B, String> key,
      Function<B, long[]> bucketArguments) {
    List<String> keys = new ArrayList<>(buckets.size() + 1);
    List<String> args = new ArrayList<>();
    keys.add(holdKey);
    args.add(Long.toString(capacityMicros));
    args.add(Long.toString(argument));
    for (B bucket : buckets) {
      keys.add(key.apply(bucket));
      for (long value : bucketArguments.apply(bucket)) {
        args.add(Long.toString(value));
      }
    }
    return gated(() -> script.run(redis, keys, args));
  }

  private <T> T gated(Supplier<T> call) {
    gate.acquireUninterruptibly();
    try {
      if (bypassed) {
        throw new JedisConnectionException(
            "Redis is unavailable; the rate limiter keeps its limits locally");
      }
      return call.get();
    } catch (JedisException e) {
      // Before the permit goes to the next caller in the queue, which would otherwise send its call
      // too.
      bypassed |= RedisAvailability.unavailable(e);
      throw e;
    } finally {
      gate.release();
    }
  }

  /**
   * While set, calls that reach the gate fail at once instead of going to Redis. It is set by the
   * first call that finds Redis unavailable, and by the limiter when it falls back to its local
   * share, and cleared when the limiter shares through Redis again: the calls queued at the gate
   * when Redis froze would otherwise each wait out the timeout, {@value #MAX_CONCURRENT_CALLS} at a
   * time — 200 of them took 50 s, holding their jobs.
   */
  void bypass(boolean bypass) {
    bypassed = bypass;
  }

  /** Marks {@code workerId} alive for {@code ttlMillis} and returns the number of live workers. */
  long heartbeat(String workersKey, String workerId, long ttlMillis) {
    return (Long)
        heartbeat.run(redis, List.of(workersKey), List.of(workerId, Long.toString(ttlMillis)));
  }

  /**
   * Announces this worker's waiting {@code provider|team} members for {@code ttlMillis} and returns
   * every worker's.
   */
  Set<String> teams(String teamsKey, List<String> members, long ttlMillis) {
    List<String> args = new ArrayList<>(members.size() + 1);
    args.add(Long.toString(ttlMillis));
    args.addAll(members);
    Set<String> all = new HashSet<>();
    for (Object member : (List<?>) teams.run(redis, List.of(teamsKey), args)) {
      all.add(
          member instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : member.toString());
    }
    return all;
  }

  /** Removes {@code workerId} from the live workers. */
  void leave(String workersKey, String workerId) {
    redis.zrem(workersKey, workerId);
  }

  /**
   * A Lua script called by its SHA-1, sent in full only when Redis answers NOSCRIPT (after a
   * restart or flush).
   */
  private record Script(String source, String sha) {
    Script(String source) {
      this(source, sha1(source));
    }

    Object run(UnifiedJedis redis, List<String> keys, List<String> args) {
      try {
        return redis.evalsha(sha, keys, args);
      } catch (JedisDataException e) {
        if (e.getMessage() == null || !e.getMessage().startsWith("NOSCRIPT")) {
          throw e;
        }
        return redis.eval(source, keys, args);
      }
    }

    private static String sha1(String source) {
      try {
        return HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JVM has no SHA-1", e);
      }
    }
  }
}

package io.promptyard.worker.redis;

import io.promptyard.schemas.ingress.ProducerText;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Whether one use of Redis (the cache, the idempotency ledger) can be served now, for the code that
 * goes without Redis while it cannot: a failed command either means Redis is unavailable —
 * unreachable, not answering in time, or refusing in a state that passes (out of memory at {@code
 * maxmemory}, loading its data, busy with a script, a replica that became read-only) — or it is a
 * fault of the command itself, which the caller must see. The change is logged once each way, at
 * WARN and at INFO.
 *
 * <p>A Redis at {@code maxmemory} under {@code noeviction} refuses commands that store data and
 * still answers reads and deletes: so once it refused, only a command that stores data and succeeds
 * shows it is available again (otherwise every job's reads and writes would flip the state, and the
 * log, back and forth).
 *
 * <p>While Redis is unreachable, callers ask {@link #skip()} first and go without it at once, and a
 * probe of its own asks Redis every {@link #PROBE_INTERVAL} whether it is back. A Redis that is
 * frozen (paused, swapping, stuck in a long command) takes the whole timeout to fail each command,
 * and a job makes several: when each job still tried, a worker ran 5 jobs a second instead of
 * hundreds while Redis was frozen, and a backlog grew.
 */
public final class RedisAvailability {

  /**
   * Error reply prefixes of a Redis that cannot serve now but will (see the Redis error replies'
   * first word).
   */
  private static final Set<String> PASSING_STATES =
      Set.of(
          "OOM",
          "LOADING",
          "BUSY",
          "MASTERDOWN",
          "READONLY",
          "MISCONF",
          "TRYAGAIN",
          "CLUSTERDOWN",
          "NOREPLICAS");

  /** How a use of Redis stands. */
  public enum State {
    AVAILABLE,
    /** Redis does not answer (refused, reset or timed-out connections). */
    UNREACHABLE,
    /** Redis answers but refuses to store data (out of memory, read-only, loading…). */
    REFUSING
  }

  /** While Redis is unreachable, how often the probe asks whether it is back. */
  static final Duration PROBE_INTERVAL = Duration.ofMillis(250);

  private final Logger log;
  private final String what;
  private final String meanwhile;
  private final AtomicReference<State> state = new AtomicReference<>(State.AVAILABLE);
  private final LongAdder skipped = new LongAdder();
  private final Runnable probe;
  private final Duration probeInterval;

  /** Whether a probe thread runs; at most one does. */
  private final AtomicBoolean probing = new AtomicBoolean();

  private volatile boolean closed;

  /**
   * @param log where the changes are logged
   * @param what the use, as a log line names it ({@code the idempotency ledger in Redis})
   * @param meanwhile what the worker does without it, for the log line
   * @param probe a command that succeeds once Redis answers again ({@code redis::ping})
   */
  public RedisAvailability(Logger log, String what, String meanwhile, Runnable probe) {
    this(log, what, meanwhile, probe, PROBE_INTERVAL);
  }

  RedisAvailability(
      Logger log, String what, String meanwhile, Runnable probe, Duration probeInterval) {
    this.log = log;
    this.what = what;
    this.meanwhile = meanwhile;
    this.probe = probe;
    this.probeInterval = probeInterval;
  }

  /** True when {@code e} says Redis cannot serve now, rather than that the command was wrong. */
  public static boolean unavailable(JedisException e) {
    if (!(e instanceof JedisDataException)) {
      return true;
    }
    String message = e.getMessage() == null ? "" : e.getMessage();
    int space = message.indexOf(' ');
    return PASSING_STATES.contains(space < 0 ? message : message.substring(0, space));
  }

  /**
   * A command failed. Returns how Redis stands when it is unavailable, and the caller goes on
   * without it (counted in {@link #skipped()}); rethrows {@code e} when the command itself was at
   * fault.
   *
   * @param requestId the request the command was for, named in the log line; may be null
   */
  public State failed(JedisException e, String requestId) {
    if (!unavailable(e)) {
      throw e;
    }
    skipped.increment();
    State now = e instanceof JedisDataException ? State.REFUSING : State.UNREACHABLE;
    if (state.getAndSet(now) != now) {
      log.warn(
          "{} is {} ({}{}): {} until it serves again",
          what,
          now == State.REFUSING ? "refusing commands" : "unreachable",
          e.toString(),
          requestId == null ? "" : ", first seen with request " + ProducerText.escape(requestId),
          meanwhile);
    }
    if (now == State.UNREACHABLE && !closed && probing.compareAndSet(false, true)) {
      Thread.ofVirtual().name("redis-probe").start(this::probeUntilAnswered);
    }
    return now;
  }

  /**
   * Whether to go without Redis for the next command without sending it: true while Redis is
   * unreachable (the probe finds out when it is back). A Redis that refuses writes is not skipped:
   * it answers at once, and serves reads.
   */
  public boolean skip() {
    if (state.get() != State.UNREACHABLE) {
      return false;
    }
    skipped.increment();
    return true;
  }

  /** Asks Redis every probe interval whether it answers, until it does or this is closed. */
  private void probeUntilAnswered() {
    do {
      try {
        while (!closed && state.get() == State.UNREACHABLE) {
          Thread.sleep(probeInterval);
          try {
            probe.run();
            answered(false);
          } catch (JedisException e) {
            // still unreachable
          }
        }
      } catch (InterruptedException e) {
        return;
      } finally {
        probing.set(false);
      }
      // Redis may have become unreachable again between the last look and the flag's reset, unseen
      // by failed().
    } while (!closed && state.get() == State.UNREACHABLE && probing.compareAndSet(false, true));
  }

  /**
   * Sends one command unless Redis is {@linkplain #skip skipped}, and tells this how it went.
   *
   * @param stores whether the command stores data (see {@link #answered})
   * @param without what the caller goes on with when Redis is skipped or cannot serve
   * @return the command's answer, or {@code without}
   */
  public <T> T call(Supplier<T> command, boolean stores, T without) {
    if (skip()) {
      return without;
    }
    try {
      T answer = command.get();
      answered(stores);
      return answer;
    } catch (JedisException e) {
      failed(e, null);
      return without;
    }
  }

  /**
   * A command succeeded.
   *
   * @param stored whether it stored data (Redis refuses those at {@code maxmemory}); a read or a
   *     delete ends an unreachable spell, but not a refusing one
   */
  public void answered(boolean stored) {
    State was = state.get();
    if (was != State.AVAILABLE
        && (stored || was == State.UNREACHABLE)
        && state.compareAndSet(was, State.AVAILABLE)) {
      log.info("{} serves again", what);
    }
  }

  /**
   * True while the last command failed because Redis could not serve it (see the class comment for
   * refusals).
   */
  public boolean unavailable() {
    return state.get() != State.AVAILABLE;
  }

  /** Commands the caller went without so far because Redis could not serve them. */
  public long skipped() {
    return skipped.sum();
  }

  /** Stops probing: the client the probe uses is about to close. */
  public void close() {
    closed = true;
  }
}

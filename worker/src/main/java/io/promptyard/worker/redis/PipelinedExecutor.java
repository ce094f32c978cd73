package io.promptyard.worker.redis;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.executors.CommandExecutor;
import redis.clients.jedis.providers.ConnectionProvider;
import redis.clients.jedis.providers.PooledConnectionProvider;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Runs the Redis commands of many threads on a few connections, pipelined: a command waits in one
 * queue, and a few sender threads each take what has queued up (up to {@value #MAX_BATCH}
 * commands), write it to a connection in one go and hand each caller its own reply.
 *
 * <p>Why: a worker has thousands of jobs in flight, each on its virtual thread, and each makes a
 * few Redis round trips (ledger lease, cache lookup, publishing and done entries). With a
 * connection per command they queue for a pool of connections — a borrow that waits past its
 * timeout reads as Redis being unreachable, so a burst of cache hits could count finished jobs as
 * not done — and every command costs its own system calls on both sides. Pipelined, thousands of
 * commands share a few writes and reads; Redis answers each in order.
 *
 * <p>A caller sees what a plain Jedis client would show it: the reply, a {@link JedisDataException}
 * for its own command's error reply, or a {@link JedisConnectionException} when Redis cannot be
 * reached or does not answer within the timeout. A command whose caller stopped waiting is not
 * sent.
 */
public final class PipelinedExecutor implements CommandExecutor {

  private static final Logger log = LoggerFactory.getLogger(PipelinedExecutor.class);

  /** Commands written to a connection at once, at most. */
  static final int MAX_BATCH = 512;

  private final ConnectionProvider connections;
  private final Duration timeout;
  private final LinkedBlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
  private final List<Thread> senders = new ArrayList<>();
  private volatile boolean closed;

  /**
   * @param connections where the senders take their connections from; closed with this executor
   * @param senders how many batches may be on their way to Redis at once (one connection each)
   * @param timeout how long a caller waits for its reply: past it, the command counts as unanswered
   */
  public PipelinedExecutor(ConnectionProvider connections, int senders, Duration timeout) {
    if (senders < 1) {
      throw new IllegalArgumentException("senders must be at least 1, was " + senders);
    }
    this.connections = connections;
    this.timeout = timeout;
    for (int i = 0; i < senders; i++) {
      // Platform threads: a sender must not wait for a carrier behind thousands of busy jobs.
      Thread sender =
          Thread.ofPlatform().daemon().name("redis-pipeline-" + i).unstarted(this::sendUntilClosed);
      this.senders.add(sender);
      sender.start();
    }
  }

  /**
   * A Jedis client for {@code uri} whose commands go through a {@link PipelinedExecutor} of {@code
   * senders} connections; {@code timeout} bounds connecting, reading and waiting for a reply.
   */
  public static UnifiedJedis client(URI uri, int senders, Duration timeout) {
    JedisClientConfig config =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis((int) timeout.toMillis())
            .socketTimeoutMillis((int) timeout.toMillis())
            .user(JedisURIHelper.getUser(uri))
            .password(JedisURIHelper.getPassword(uri))
            .database(JedisURIHelper.getDBIndex(uri))
            .ssl(JedisURIHelper.isRedisSSLScheme(uri))
            .build();
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    // One connection per sender, a few more for pipelines and transactions a caller opens itself.
    pool.setMaxTotal(senders + 4);
    pool.setMaxIdle(senders + 4);
    // Never wait forever for a connection: when Redis goes away while all are out, commons-pool
    // does not wake the
    // waiters when creating one fails.
    pool.setMaxWait(timeout);
    PooledConnectionProvider provider =
        new PooledConnectionProvider(JedisURIHelper.getHostAndPort(uri), config, pool);
    return new UnifiedJedis(
        new PipelinedExecutor(provider, senders, timeout), provider, new CommandObjects());
  }

  @Override
  public <T> T executeCommand(CommandObject<T> command) {
    if (closed) {
      throw new JedisConnectionException("the Redis client is closed");
    }
    Pending<T> pending = new Pending<>(command, new CompletableFuture<>());
    queue.add(pending);
    try {
      return pending.reply.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof JedisDataException data) {
        throw data;
      }
      throw new JedisConnectionException(String.valueOf(e.getCause().getMessage()), e.getCause());
    } catch (TimeoutException e) {
      pending.reply.cancel(false);
      throw new JedisConnectionException(
          "Redis did not answer " + command.getArguments().getCommand() + " within " + timeout);
    } catch (InterruptedException e) {
      pending.reply.cancel(false);
      Thread.currentThread().interrupt();
      throw new JedisConnectionException("interrupted while waiting for Redis to answer", e);
    }
  }

  private void sendUntilClosed() {
    List<Pending<?>> batch = new ArrayList<>(MAX_BATCH);
    while (!closed) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        break;
      }
      queue.drainTo(batch, MAX_BATCH - 1);
      batch.removeIf(p -> p.reply.isDone());
      if (!batch.isEmpty()) {
        send(batch);
      }
      batch.clear();
    }
  }

  private void send(List<Pending<?>> batch) {
    try (Connection connection = connections.getConnection()) {
      Pipeline pipeline = new Pipeline(connection, false);
      List<Response<?>> responses = new ArrayList<>(batch.size());
      for (Pending<?> pending : batch) {
        responses.add(pipeline.appendCommand(pending.command));
      }
      pipeline.sync();
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).answer(responses.get(i));
      }
    } catch (RuntimeException e) {
      // Unreachable, or the connection broke mid-batch (the pool drops a broken connection on
      // close): every command of the batch not yet answered counts as unanswered.
      log.debug("a batch of {} Redis commands failed: {}", batch.size(), e.toString());
      batch.forEach(p -> p.reply.completeExceptionally(e));
    }
  }

  /** Stops the senders; commands still queued fail as unanswered. Closes the connections. */
  @Override
  public void close() {
    closed = true;
    senders.forEach(Thread::interrupt);
    for (Thread sender : senders) {
      try {
        sender.join(timeout.toMillis() * 2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    JedisConnectionException gone =
        new JedisConnectionException("the Redis client was closed before the command was sent");
    for (Pending<?> pending; (pending = queue.poll()) != null; ) {
      pending.reply.completeExceptionally(gone);
    }
    try {
      connections.close();
    } catch (Exception e) {
      log.debug("closing the Redis connections: {}", e.toString());
    }
  }

  /** A queued command and where its caller waits for the reply. */
  private record Pending<T>(CommandObject<T> command, CompletableFuture<T> reply) {
    void answer(Response<?> response) {
      try {
        @SuppressWarnings("unchecked")
        T value = (T) response.get();
        reply.complete(value);
      } catch (RuntimeException e) {
        reply.completeExceptionally(e);
      }
    }
  }
}

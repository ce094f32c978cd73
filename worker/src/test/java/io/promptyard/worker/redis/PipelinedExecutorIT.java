package io.promptyard.worker.redis;

import static io.promptyard.testkit.local.LocalService.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.promptyard.testkit.local.Needs;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.providers.PooledConnectionProvider;

/** Runs against the local Redis; every test uses keys of its own and deletes them. */
@Needs(REDIS)
class PipelinedExecutorIT {

  private final String run = "pipelined-test:" + UUID.randomUUID() + ":";
  private final UnifiedJedis plain = new UnifiedJedis(new HostAndPort("127.0.0.1", 6379));

  @AfterEach
  void deleteKeys() {
    for (String key : plain.keys(run + "*")) {
      plain.del(key);
    }
    plain.close();
  }

  @Test
  void thousandsOfConcurrentCallersEachGetTheirOwnReplyOverTwoConnections() throws Exception {
    PooledConnectionProvider connections =
        new PooledConnectionProvider(
            new HostAndPort("127.0.0.1", 6379),
            DefaultJedisClientConfig.builder().build(),
            new ConnectionPoolConfig());
    try (UnifiedJedis redis =
        new UnifiedJedis(
            new PipelinedExecutor(connections, 2, Duration.ofSeconds(5)),
            connections,
            new CommandObjects())) {
      List<Future<String>> replies = new ArrayList<>();
      try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < 5_000; i++) {
          String key = run + i;
          String value = "value-" + i;
          replies.add(
              threads.submit(
                  () -> {
                    // SET ... GET answers the old value: null first, then what this caller wrote.
                    assertThat(redis.setGet(key, value, SetParams.setParams().px(60_000))).isNull();
                    return redis.setGet(key, value + "-again");
                  }));
        }
      }

      for (int i = 0; i < replies.size(); i++) {
        assertThat(replies.get(i).get()).isEqualTo("value-" + i);
      }
      assertThat(connections.getPool().getCreatedCount()).isLessThanOrEqualTo(2);
    }
  }

  @Test
  void anErrorReplyGoesToItsOwnCallerAndTheOthersInItsBatchGetTheirAnswers() throws Exception {
    plain.set(run + "text", "not a number");
    try (UnifiedJedis redis =
        PipelinedExecutor.client(URI.create("redis://127.0.0.1:6379"), 1, Duration.ofSeconds(5))) {
      ConcurrentLinkedQueue<Long> counts = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
      try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < 200; i++) {
          boolean wrong = i % 50 == 0;
          threads.submit(
              () -> {
                try {
                  counts.add(redis.incr(wrong ? run + "text" : run + "counter"));
                } catch (RuntimeException e) {
                  errors.add(e);
                }
              });
        }
      }

      assertThat(errors)
          .hasSize(4)
          .allSatisfy(
              e ->
                  assertThat(e)
                      .isInstanceOf(JedisDataException.class)
                      .hasMessageContaining("not an integer"));
      assertThat(counts).hasSize(196);
      assertThat(plain.get(run + "counter")).isEqualTo("196");
    }
  }

  @Test
  void commandsToAnUnreachableRedisFailAsUnreachableInsteadOfWaiting() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (UnifiedJedis redis =
        PipelinedExecutor.client(
            URI.create("redis://127.0.0.1:" + closedPort), 2, Duration.ofMillis(500))) {
      assertThatThrownBy(() -> redis.get(run + "anything"))
          .isInstanceOf(JedisConnectionException.class);
    }
  }

  @Test
  void aRedisThatNeverAnswersFailsTheCallerAfterTheTimeout() throws Exception {
    List<Socket> accepted = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0)) {
      Thread acceptor =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      while (true) {
                        accepted.add(silent.accept());
                      }
                    } catch (Exception e) {
                      // closed at the end of the test
                    }
                  });
      try (UnifiedJedis redis =
          PipelinedExecutor.client(
              URI.create("redis://127.0.0.1:" + silent.getLocalPort()),
              1,
              Duration.ofMillis(300))) {
        // The socket's read timeout or the caller's wait, whichever ends first: both are the same
        // 300 ms.
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () ->
                assertThatThrownBy(() -> redis.get(run + "anything"))
                    .isInstanceOf(JedisConnectionException.class));
      }
      acceptor.interrupt();
    } finally {
      for (Socket socket : accepted) {
        socket.close();
      }
    }
  }

  @Test
  void aClosedClientRefusesCommands() {
    UnifiedJedis redis =
        PipelinedExecutor.client(URI.create("redis://127.0.0.1:6379"), 1, Duration.ofSeconds(1));
    assertThat(redis.set(run + "before", "ok")).isEqualTo("OK");

    redis.close();

    assertThatThrownBy(() -> redis.get(run + "before"))
        .isInstanceOf(JedisConnectionException.class)
        .hasMessageContaining("closed");
  }
}

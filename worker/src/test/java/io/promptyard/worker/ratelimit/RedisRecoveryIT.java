package io.promptyard.worker.ratelimit;

import static io.promptyard.testkit.local.LocalService.REDIS_SERVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.testkit.local.Needs;
import io.promptyard.worker.guard.CallRefused;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;

/** A Redis of its own (a child {@code redis-server}) that the test stops and starts again. */
@Needs(REDIS_SERVER)
class RedisRecoveryIT {

  @Test
  void workersFallBackToTheirFairShareWhileRedisIsDownAndShareAgainWhenItReturns()
      throws Exception {
    try (RedisServerProcess server = new RedisServerProcess().start();
        JedisPooled redisA = client(server.port());
        JedisPooled redisB = client(server.port());
        RateLimiter a = limiter(redisA);
        RateLimiter b = limiter(redisB)) {
      // Given two workers that have seen each other
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> a.stats().liveWorkers() == 2 && b.stats().liveWorkers() == 2);
      a.admit("sim", "sim-mini", 0);
      assertThat(a.degraded()).isFalse();

      // When Redis stops
      server.stop();

      // Then each falls back to half of the 60 requests/min: one call, then the next in 2 s
      a.admit("sim", "sim-mini", 0);
      assertThat(a.degraded()).isTrue();
      CallRefused refused = RateLimiterIT.catchRefusal(() -> a.admit("sim", "sim-mini", 0));
      assertThat(refused.retryAfter()).isBetween(Duration.ofMillis(1900), Duration.ofMillis(2000));
      await().atMost(Duration.ofSeconds(10)).until(b::degraded);

      // And when Redis is back, both share through it again
      server.start();
      await().atMost(Duration.ofSeconds(15)).until(() -> !a.degraded() && !b.degraded());
      assertThat(a.stats().fallbacks()).isEqualTo(1);
      assertThat(a.stats().recoveries()).isEqualTo(1);
      a.admit("sim", "sim-mini", 0);
    }
  }

  @Test
  void
      aWorkerFallsBackToItsFairShareWhileRedisRefusesWritesAtMaxmemoryAndSharesAgainOnceItTakesThem()
          throws Exception {
    try (RedisServerProcess server = new RedisServerProcess().start();
        JedisPooled redis = client(server.port());
        RateLimiter limiter = limiter(redis)) {
      limiter.admit("sim", "sim-mini", 0);

      // When Redis reaches its maxmemory and refuses the reservation script's writes
      server.fillToMaxmemory();

      // Then the call is still admitted, on this worker's local share
      limiter.admit("sim", "sim-mini", 0);
      assertThat(limiter.degraded()).isTrue();

      // And once Redis takes writes again, the heartbeat switches back
      server.liftMaxmemory();
      await().atMost(Duration.ofSeconds(10)).until(() -> !limiter.degraded());
      assertThat(limiter.stats().fallbacks()).isEqualTo(1);
      assertThat(limiter.stats().recoveries()).isEqualTo(1);
    }
  }

  @Test
  void reservationsQueuedWhenRedisFreezesFallBackTogetherInsteadOfEachWaitingOutTheTimeout()
      throws Exception {
    AtomicInteger reservations = new AtomicInteger();
    try (RedisServerProcess server = new RedisServerProcess().start();
        JedisPooled redis =
            new JedisPooled(
                new HostAndPort("127.0.0.1", server.port()),
                DefaultJedisClientConfig.builder().timeoutMillis(300).build()) {
              @Override
              public Object evalsha(String sha1, List<String> keys, List<String> args) {
                reservations.incrementAndGet();
                return super.evalsha(sha1, keys, args);
              }
            };
        RateLimiter limiter =
            RateLimiter.shared(
                redis,
                p -> new ProviderLimits(1_000_000, 0),
                RateLimiterSettings.defaults(Duration.ZERO)
                    .withKeyPrefix("test:frozen:")
                    .withHeartbeat(Duration.ofMinutes(10)))) {
      limiter.admit("sim", "sim-mini", 0);
      int before = reservations.get();

      // When Redis freezes while 200 calls ask for their turn at once
      server.pause();
      try (var calls = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < 200; i++) {
          calls.submit(() -> limiter.admit("sim", "sim-mini", 0));
        }
      }

      // Then the first to find it frozen sends the rest to the local share: only those already at
      // Redis waited
      assertThat(limiter.degraded()).isTrue();
      assertThat(reservations.get() - before)
          .as("reservations sent to the frozen Redis")
          .isLessThanOrEqualTo(RedisBucketStore.MAX_CONCURRENT_CALLS);
      server.resume();
    }
  }

  private static JedisPooled client(int port) {
    return new JedisPooled(
        new HostAndPort("127.0.0.1", port),
        DefaultJedisClientConfig.builder().timeoutMillis(300).build());
  }

  private static RateLimiter limiter(JedisPooled redis) {
    return RateLimiter.shared(
        redis,
        p -> new ProviderLimits(60, 0),
        RateLimiterSettings.defaults(Duration.ZERO)
            .withKeyPrefix("test:recovery:")
            .withHeartbeat(Duration.ofMillis(200))
            .withHeadroom(0));
  }
}

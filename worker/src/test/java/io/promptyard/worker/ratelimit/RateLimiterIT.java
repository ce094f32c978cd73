package io.promptyard.worker.ratelimit;

import static io.promptyard.testkit.local.LocalService.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.promptyard.catalog.Usage;
import io.promptyard.providers.ProviderException;
import io.promptyard.providers.RateLimits;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.testkit.local.Needs;
import io.promptyard.worker.guard.CallRefused;
import io.promptyard.worker.guard.Permit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;

/** Shared limits on the local Redis: several limiter instances stand for several workers. */
@Needs(REDIS)
class RateLimiterIT {

  private final JedisPooled redis = new JedisPooled("127.0.0.1", 6379);
  private final String prefix = "test:ratelimit:" + UUID.randomUUID() + ":";
  private final List<RateLimiter> limiters = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    limiters.forEach(RateLimiter::close);
    Set<String> keys = redis.keys(prefix + "*");
    if (!keys.isEmpty()) {
      redis.del(keys.toArray(String[]::new));
    }
    redis.close();
  }

  @Test
  void workersTogetherNeverGetMoreThanTheLimitHoweverHardTheyPush() throws Exception {
    // Given three workers sharing 60 requests/min (a minute's allowance may go at once, then one a
    // second)
    List<RateLimiter> workers =
        List.of(
            worker(60, 0, Duration.ZERO),
            worker(60, 0, Duration.ZERO),
            worker(60, 0, Duration.ZERO));
    AtomicInteger admitted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();

    // When 600 virtual threads try at once
    long start = System.nanoTime();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 600; i++) {
        RateLimiter w = workers.get(i % 3);
        threads.submit(
            () -> {
              try {
                w.admit("sim", "sim-mini", 0);
                admitted.incrementAndGet();
              } catch (CallRefused e) {
                refused.incrementAndGet();
              }
              return null;
            });
      }
    }
    long elapsedSeconds = (System.nanoTime() - start) / 1_000_000_000L;

    // Then the burst is used in full, and only what refilled while they pushed comes on top
    assertThat(admitted.get()).isBetween(60, 60 + (int) elapsedSeconds + 1);
    assertThat(admitted.get() + refused.get()).isEqualTo(600);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> workers.getFirst().stats().liveWorkers() == 3);
  }

  @Test
  void eachApiKeyHasItsOwnLimitUnderTheProvidersAndItsBucketsAreNamedByKeyIdOnly()
      throws Exception {
    // Given 100 requests/min for the provider and 3 per key, shared by two workers
    String keyA = io.promptyard.providers.ApiKeyPool.keyId("sk-test-key-a-0123456789");
    String keyB = io.promptyard.providers.ApiKeyPool.keyId("sk-test-key-b-0123456789");
    RateLimiter one = perKeyWorker();
    RateLimiter two = perKeyWorker();

    // When key A has had its three calls, from either worker
    one.admit("sim", "sim-mini", keyA, 0);
    two.admit("sim", "sim-mini", keyA, 0);
    one.admit("sim", "sim-mini", keyA, 0);

    // Then key A waits for its next turn, while key B and calls that name no key go on
    assertThatThrownBy(() -> two.admit("sim", "sim-mini", keyA, 0))
        .isInstanceOf(CallRefused.class)
        .hasMessageContaining("its key " + keyA);
    for (int i = 0; i < 3; i++) {
      two.admit("sim", "sim-mini", keyB, 0);
    }
    one.admit("sim", "sim-mini", 0);
    assertThat(redis.keys(prefix + "*"))
        .contains(prefix + "{sim}:key:" + keyA + ":requests")
        .noneMatch(k -> k.contains("sk-test-key"));
  }

  @Test
  void tokenReservationsAreCorrectedByTheRealUsage() throws Exception {
    // Given 6,000 tokens/min and two calls that reserved 3,000 each
    RateLimiter a = worker(0, 6000, Duration.ZERO);
    RateLimiter b = worker(0, 6000, Duration.ZERO);
    Permit first = a.admit("sim", "sim-mini", 3000);
    Permit second = b.admit("sim", "sim-mini", 3000);
    assertThatThrownBy(() -> b.admit("sim", "sim-mini", 1000)).isInstanceOf(CallRefused.class);

    // When the first used only 1,000: 2,000 come back for everyone
    a.completed(first, new Usage(800, 200, 0, 0), RateLimits.UNKNOWN, Duration.ofMillis(5));
    Permit third = b.admit("sim", "sim-mini", 1500);

    // And when the second used 5,000: the 2,000 over its estimate are charged
    b.completed(second, new Usage(4000, 1000, 0, 0), RateLimits.UNKNOWN, Duration.ofMillis(5));

    // Then the bucket is 2,000 - 1,500 - 2,000 = 1,500 tokens in debt: 100 more are 16 s away at
    // 100 tokens/s
    assertThat(third.reservedTokens()).isEqualTo(1500);
    CallRefused refused = catchRefusal(() -> a.admit("sim", "sim-mini", 100));
    assertThat(refused.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    // (at most 16 s, less by whatever refilled while this test ran: a busy machine makes it
    // shorter, never longer)
    assertThat(refused.retryAfter()).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(17));
  }

  @Test
  void aRetryAfterSeenByOneWorkerHoldsEveryWorkerAndLiftsByItself() throws Exception {
    // Given a provider without configured limits
    RateLimiter a = worker(0, 0, Duration.ZERO);
    RateLimiter b = worker(0, 0, Duration.ofSeconds(5));
    Permit call = a.admit("sim", "sim-mini", 100);

    // When one worker's call gets a 429 with Retry-After: 30 s
    a.failed(call, rateLimited(Duration.ofSeconds(30)), Duration.ofMillis(3));

    // Then the other worker may not call before it, and the hold expires on its own
    CallRefused refused = catchRefusal(() -> b.admit("sim", "sim-mini", 100));
    assertThat(refused.retryAfter()).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
    assertThat(redis.pttl(prefix + "{sim}:hold")).isBetween(1L, 30_001L);
  }

  @Test
  void aShortHoldIsWaitedOutInPlace() throws Exception {
    RateLimiter a = worker(600, 0, Duration.ZERO);
    RateLimiter b = worker(600, 0, Duration.ofSeconds(5));
    Permit call = a.admit("sim", "sim-mini", 0);

    a.failed(call, rateLimited(Duration.ofMillis(300)), Duration.ofMillis(3));
    b.admit("sim", "sim-mini", 0);

    assertThat(b.stats().waited()).isEqualTo(1);
    assertThat(a.stats().holds()).isEqualTo(1);
  }

  @Test
  void aProviderReportingNothingLeftTightensTheBudgetOfEveryWorker() throws Exception {
    // Given 600 requests/min, of which one was used
    RateLimiter a = worker(600, 0, Duration.ZERO);
    RateLimiter b = worker(600, 0, Duration.ZERO);
    Permit call = a.admit("sim", "sim-mini", 0);

    // When the provider says no request is left (someone else uses the same account)
    a.completed(
        call,
        Usage.ZERO,
        new RateLimits(600L, 0L, Duration.ofSeconds(60), null, null, null, null),
        Duration.ofMillis(3));

    // Then the workers get the one the header may have rounded away, and then wait for the refill
    b.admit("sim", "sim-mini", 0);
    assertThatThrownBy(() -> b.admit("sim", "sim-mini", 0)).isInstanceOf(CallRefused.class);
  }

  @Test
  void unreachableRedisFallsBackToALocalLimiterAndSaysSo() throws Exception {
    // Given a limiter whose Redis is a closed port
    JedisPooled nowhere =
        new JedisPooled(
            new HostAndPort("127.0.0.1", RedisServerProcess.freePort()),
            DefaultJedisClientConfig.builder().timeoutMillis(300).build());
    RateLimiter limiter =
        RateLimiter.shared(
            nowhere,
            p -> new ProviderLimits(60, 0),
            RateLimiterSettings.defaults(Duration.ZERO).withKeyPrefix(prefix).withHeadroom(0));
    limiters.add(limiter);

    // When calls are asked for: after a fail-over nothing is banked, one goes, the next waits for
    // the refill
    limiter.admit("sim", "sim-mini", 0);
    CallRefused refused = catchRefusal(() -> limiter.admit("sim", "sim-mini", 0));

    // Then it is degraded and limits locally
    assertThat(limiter.degraded()).isTrue();
    assertThat(limiter.stats().fallbacks()).isEqualTo(1);
    assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(1000));
    nowhere.close();
  }

  private RateLimiter perKeyWorker() {
    RateLimiter limiter =
        RateLimiter.shared(
            redis,
            p -> new ProviderLimits(100, 0, 3, 0),
            RateLimiterSettings.defaults(Duration.ZERO).withKeyPrefix(prefix).withHeadroom(0));
    limiters.add(limiter);
    return limiter;
  }

  private RateLimiter worker(long rpm, long tpm, Duration maxWait) {
    RateLimiter limiter =
        RateLimiter.shared(
            redis,
            p -> new ProviderLimits(rpm, tpm),
            RateLimiterSettings.defaults(maxWait).withKeyPrefix(prefix).withHeadroom(0));
    limiters.add(limiter);
    return limiter;
  }

  static ProviderException rateLimited(Duration retryAfter) {
    return new ProviderException(
        ErrorCode.RATE_LIMITED,
        true,
        429,
        "Rate limit reached",
        new RateLimits(null, null, null, null, null, null, retryAfter),
        null);
  }

  interface Call {
    void run() throws Exception;
  }

  static CallRefused catchRefusal(Call call) {
    try {
      call.run();
    } catch (CallRefused e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected a refusal, got " + e, e);
    }
    throw new AssertionError("expected a refusal, but the call was admitted");
  }
}

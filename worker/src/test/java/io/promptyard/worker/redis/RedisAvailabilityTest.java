package io.promptyard.worker.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

class RedisAvailabilityTest {

  /** Whether the probe finds Redis answering. */
  private final AtomicBoolean redisAnswers = new AtomicBoolean();

  private final AtomicInteger probes = new AtomicInteger();
  private final RedisAvailability availability =
      new RedisAvailability(
          LoggerFactory.getLogger(RedisAvailabilityTest.class),
          "the test's Redis",
          "it goes without",
          this::probe,
          Duration.ofMillis(10));

  @AfterEach
  void close() {
    availability.close();
  }

  private void probe() {
    probes.incrementAndGet();
    if (!redisAnswers.get()) {
      throw new JedisConnectionException("Read timed out");
    }
  }

  @Test
  void redisThatCannotServeNowIsUnavailableAndACommandAtFaultIsNot() {
    assertThat(RedisAvailability.unavailable(new JedisConnectionException("Connection refused")))
        .isTrue();
    assertThat(
            RedisAvailability.unavailable(
                new JedisDataException(
                    "OOM command not allowed when used memory > 'maxmemory'. script: 3f1a, on @user_script:20.")))
        .isTrue();
    assertThat(
            RedisAvailability.unavailable(
                new JedisDataException("LOADING Redis is loading the dataset in memory")))
        .isTrue();
    assertThat(
            RedisAvailability.unavailable(
                new JedisBusyException("BUSY Redis is busy running a script")))
        .isTrue();
    assertThat(
            RedisAvailability.unavailable(
                new JedisDataException("READONLY You can't write against a read only replica.")))
        .isTrue();

    assertThat(
            RedisAvailability.unavailable(
                new JedisDataException(
                    "WRONGTYPE Operation against a key holding the wrong kind of value")))
        .isFalse();
    assertThat(RedisAvailability.unavailable(new JedisDataException("ERR syntax error"))).isFalse();
  }

  @Test
  void aCommandAtFaultIsRethrownAndChangesNothing() {
    JedisDataException wrongType =
        new JedisDataException("WRONGTYPE Operation against a key holding the wrong kind of value");

    assertThatThrownBy(() -> availability.failed(wrongType, "r-1")).isSameAs(wrongType);

    assertThat(availability.unavailable()).isFalse();
    assertThat(availability.skipped()).isZero();
  }

  @Test
  void aRefusalEndsOnlyWhenACommandThatStoresDataSucceeds() {
    assertThat(availability.failed(new JedisDataException("OOM command not allowed"), "r-1"))
        .isEqualTo(RedisAvailability.State.REFUSING);

    availability.answered(false);
    assertThat(availability.unavailable()).as("after a read").isTrue();
    assertThat(availability.skip()).as("a refusing Redis still answers reads").isFalse();

    availability.answered(true);
    assertThat(availability.unavailable()).isFalse();
  }

  @Test
  void whileRedisIsUnreachableCommandsAreSkippedAndAProbeFindsOutWhenItIsBack() {
    assertThat(availability.failed(new JedisConnectionException("Read timed out"), "r-1"))
        .isEqualTo(RedisAvailability.State.UNREACHABLE);

    assertThat(availability.skip()).isTrue();
    assertThat(availability.skip()).isTrue();
    assertThat(availability.skipped()).as("the failed command and two skipped").isEqualTo(3);
    await().atMost(Duration.ofSeconds(5)).until(() -> probes.get() >= 2);
    assertThat(availability.unavailable()).isTrue();

    redisAnswers.set(true);

    await().atMost(Duration.ofSeconds(5)).until(() -> !availability.unavailable());
    assertThat(availability.skip()).isFalse();
  }
}

package io.promptyard.worker;

import static io.promptyard.testkit.local.LocalService.REDIS_SERVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.testkit.local.Needs;
import io.promptyard.worker.ratelimit.RedisServerProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Redis stops in the middle of a run and starts again on the same port: the cache, the idempotency
 * ledger and the rate limiter share one Redis, and none of them may cost a job while it is away.
 * While Redis is there, the ledger keeps finished jobs that come again from being called or
 * published a second time (that it does so again in a new, empty Redis is {@link RedisFaultsIT}'s).
 */
@Needs(REDIS_SERVER)
@ExtendWith(KafkaBrokerExtension.class)
class RedisOutageIT {

  private LoadedWorker worker;

  @AfterEach
  void stopWorker() throws Exception {
    if (worker != null) {
      worker.close();
    }
  }

  @Test
  void jobsKeepFlowingWhileRedisIsDownAndEachGetsOneResultAndTheFallbackShowsInMetrics(
      EmbeddedKafka kafka) throws Exception {
    worker = new LoadedWorker(kafka, "outage");
    RedisServerProcess redis = worker.redis();
    // Given jobs published continuously, 20 every 100 ms, until Redis is back
    worker.startSending();
    worker.awaitResults(0, 200, Duration.ofSeconds(30));

    // And finished jobs published again while Redis is up: the ledger knows them, so they are not
    // run again
    worker.sendAgainAndAwaitFoundDone(worker.finished().subList(0, 100));

    // When Redis stops
    redis.stop();

    // Then the worker falls back, says so in its metrics, and jobs keep getting results meanwhile
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(worker.metrics())
                    .contains("promptyard_worker_ratelimit_degraded 1.0")
                    .contains("promptyard_worker_redis_unreachable{use=\"ledger\"} 1.0")
                    .contains("promptyard_worker_redis_unreachable{use=\"cache\"} 1.0"));
    worker.awaitResults(worker.results(), 200, Duration.ofSeconds(30));
    assertThat(worker.metric("promptyard_worker_ledger_skipped_total")).isPositive();

    // And when it starts again on the same port, the worker uses it again
    redis.start();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(worker.metrics())
                    .contains("promptyard_worker_ratelimit_degraded 0.0")
                    .contains("promptyard_worker_redis_unreachable{use=\"ledger\"} 0.0")
                    .contains("promptyard_worker_redis_unreachable{use=\"cache\"} 0.0"));
    List<String> sent = worker.stopSending();
    worker.assertExactlyOneResultEachAndNoDeadLetter(sent, Duration.ofSeconds(60));
    assertThat(worker.providerCalls())
        .as("one call per job, none for a job sent again")
        .isEqualTo(sent.size());
    assertThat(worker.metric("promptyard_worker_ratelimit_fallbacks_total"))
        .isGreaterThanOrEqualTo(1);
    LoggerFactory.getLogger(RedisOutageIT.class)
        .info("stopped: {} jobs, each with one result, 100 of them sent again", sent.size());
  }
}

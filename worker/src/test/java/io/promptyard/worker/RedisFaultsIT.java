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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis misbehaving in ways other than a clean stop, each while a worker is under load (20 new jobs
 * every 100 ms): frozen, full, and restarted empty. In each, every job gets exactly one result and
 * none becomes a dead letter because of Redis, and the worker's metrics show when it went without
 * its idempotency ledger. Each test runs its own {@code redis-server}; the three share one broker.
 */
@Needs(REDIS_SERVER)
@ExtendWith(KafkaBrokerExtension.class)
class RedisFaultsIT {

  private static final Logger log = LoggerFactory.getLogger(RedisFaultsIT.class);
  private static final String LEDGER_UNAVAILABLE =
      "promptyard_worker_redis_unreachable{use=\"ledger\"}";
  private static final String LEDGER_SKIPPED = "promptyard_worker_ledger_skipped_total";

  private LoadedWorker worker;
  private RedisServerProcess redis;

  @AfterEach
  void stopWorker() throws Exception {
    if (worker != null) {
      worker.close();
    }
  }

  private void start(EmbeddedKafka kafka, String name) throws Exception {
    worker = new LoadedWorker(kafka, name);
    redis = worker.redis();
    worker.startSending();
    worker.awaitResults(0, 200, Duration.ofSeconds(30));
  }

  /**
   * Once the worker uses Redis again: stops sending, and checks that every job has exactly one
   * result, none went to the dead-letter topic, and the ledger operations skipped meanwhile were
   * counted.
   */
  private void afterRedisIsBack(String fault, Duration drain) throws Exception {
    await().atMost(Duration.ofSeconds(20)).until(() -> worker.metric(LEDGER_UNAVAILABLE) == 0.0);
    List<String> sent = worker.stopSending();
    worker.assertExactlyOneResultEachAndNoDeadLetter(sent, drain);
    assertThat(worker.metric(LEDGER_SKIPPED)).as("ledger reads and writes skipped").isPositive();
    log.info(
        "{}: {} jobs, each with one result; {} ledger operations skipped",
        fault,
        sent.size(),
        worker.metric(LEDGER_SKIPPED));
  }

  @Test
  void redisFrozenForThirtySecondsCostsNoJobAndTheMetricsShowTheLedgerWasSkipped(
      EmbeddedKafka kafka) throws Exception {
    start(kafka, "frozen");

    // When Redis freezes (SIGSTOP): its connections stay open and nothing is answered
    redis.pause();
    long frozenAt = System.nanoTime();

    // Then the worker says it runs without its ledger, and jobs keep getting results meanwhile
    await().atMost(Duration.ofSeconds(15)).until(() -> worker.metric(LEDGER_UNAVAILABLE) == 1.0);
    int whenFrozen = worker.results();
    // Holding the fault, not waiting for a result: Redis stays frozen for 30 s in all.
    Thread.sleep(
        Math.max(
            0,
            Duration.ofSeconds(30).toMillis()
                - Duration.ofNanos(System.nanoTime() - frozenAt).toMillis()));
    int duringFreeze = worker.results() - whenFrozen;
    log.info("frozen: {} results during the 30 s", duringFreeze);
    assertThat(duringFreeze)
        .as("results while Redis was frozen (thousands normally)")
        .isGreaterThanOrEqualTo(200);

    // And when Redis runs again, the worker uses it again and every job has exactly one result
    redis.resume();
    afterRedisIsBack("frozen", Duration.ofSeconds(120));
  }

  @Test
  void redisAtMaxmemoryRefusingWritesCostsNoJobAndStillRecognisesFinishedJobs(EmbeddedKafka kafka)
      throws Exception {
    start(kafka, "full");
    List<String> finishedBefore = worker.finished().subList(0, 100);

    // When Redis fills up to its maxmemory under noeviction, and refuses every write with OOM
    redis.fillToMaxmemory();

    // Then the worker says it runs without its ledger, and jobs keep getting results
    await().atMost(Duration.ofSeconds(15)).until(() -> worker.metric(LEDGER_UNAVAILABLE) == 1.0);
    worker.awaitResults(worker.results(), 200, Duration.ofSeconds(30));
    // And a job finished before is still found done (reads are served): sent again, it gets no
    // second result
    worker.sendAgainAndAwaitFoundDone(finishedBefore);

    // And when Redis takes writes again, the worker uses it again; every job has exactly one result
    redis.liftMaxmemory();
    afterRedisIsBack("full", Duration.ofSeconds(60));
  }

  @Test
  void redisRestartedEmptyCostsNoJobAndTheLedgerRecordsAgainAfterwards(EmbeddedKafka kafka)
      throws Exception {
    start(kafka, "restarted");

    // When Redis is killed and an empty one starts on the same port
    redis.restartEmpty();

    // Then jobs keep getting results, and the worker uses the new Redis as soon as it answers
    worker.awaitResults(worker.results(), 200, Duration.ofSeconds(30));
    await().atMost(Duration.ofSeconds(20)).until(() -> worker.metric(LEDGER_UNAVAILABLE) == 0.0);
    int sentWhenBack = worker.sent().size();
    worker.awaitResults(worker.results(), 200, Duration.ofSeconds(30));
    List<String> sent = worker.stopSending();
    worker.assertExactlyOneResultEachAndNoDeadLetter(sent, Duration.ofSeconds(60));

    // And the ledger records again in the new Redis: jobs sent since, sent again, get no second
    // result
    List<String> sentAfter = sent.subList(sentWhenBack, sent.size());
    List<String> again = sentAfter.subList(Math.max(0, sentAfter.size() - 100), sentAfter.size());
    worker.sendAgainAndAwaitFoundDone(again);
    worker.assertExactlyOneResultEachAndNoDeadLetter(sent, Duration.ofSeconds(10));
    log.info(
        "restarted: {} jobs, each with one result, {} of them sent again",
        sent.size(),
        again.size());
  }
}

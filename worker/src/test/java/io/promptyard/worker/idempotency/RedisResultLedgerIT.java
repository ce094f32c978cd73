package io.promptyard.worker.idempotency;

import static io.promptyard.testkit.local.LocalService.REDIS;
import static io.promptyard.testkit.local.LocalService.REDIS_SERVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.testkit.local.Needs;
import io.promptyard.worker.cache.CacheInvalidation;
import io.promptyard.worker.ratelimit.RedisServerProcess;
import io.promptyard.worker.redis.PipelinedExecutor;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;

/**
 * Runs against the local Redis; every test uses its own teams and request ids, and deletes its
 * keys.
 */
@Needs({REDIS, REDIS_SERVER})
class RedisResultLedgerIT {

  private final JedisPooled redis = new JedisPooled("127.0.0.1", 6379);
  private final RedisResultLedger ledger = new RedisResultLedger(redis);
  private final String run = UUID.randomUUID().toString();
  private final List<String> written = new ArrayList<>();

  @AfterEach
  void deleteKeysAndClose() {
    written.forEach(redis::del);
    redis.close();
  }

  @Test
  void thousandsOfLeasesHeldAtOnceAreAllRenewedBeforeTheyLapse() {
    String team = "team-leases-" + run;
    int jobs = 3_000;
    try (UnifiedJedis pipelined =
            PipelinedExecutor.client(
                URI.create("redis://127.0.0.1:6379"), 4, Duration.ofSeconds(2));
        RedisResultLedger leases = new RedisResultLedger(pipelined)) {
      for (int i = 0; i < jobs; i++) {
        assertThat(leases.begin(team, "req-" + i, "worker-a")).isEmpty();
        written.add(RedisResultLedger.key(team, "req-" + i));
      }

      // A lease lasts 30 s and is renewed every 10 s: 12 s on, an unrenewed one would have 18 s
      // left at most.
      await()
          .pollDelay(Duration.ofSeconds(12))
          .atMost(Duration.ofSeconds(25))
          .untilAsserted(
              () -> {
                for (int i = 0; i < jobs; i++) {
                  assertThat(redis.pttl(RedisResultLedger.key(team, "req-" + i)))
                      .as("req-" + i)
                      .isGreaterThan(20_000);
                }
              });
      assertThat(redis.get(RedisResultLedger.key(team, "req-0"))).isEqualTo("RUNNING:worker-a");
    }
  }

  @Test
  void requestIsNotDoneUntilMarkedDone() {
    String team = "team-a-" + run;

    assertThat(ledger.isDone(team, "req-1")).isFalse();

    markDone(team, "req-1", "SUCCEEDED", Duration.ofDays(7));
    assertThat(ledger.isDone(team, "req-1")).isTrue();
    assertThat(ledger.isDone(team, "req-2")).isFalse();
  }

  @Test
  void aTeamsPatternMatchesItsOwnKeysEvenWhenItsNameHoldsGlobCharacters() {
    String globby = "t*am?[" + run + "]";
    String other = "team-" + run;
    markDone(globby, "req-1", "SUCCEEDED", Duration.ofMinutes(5));
    markDone(other, "req-1", "SUCCEEDED", Duration.ofMinutes(5));

    long removed = CacheInvalidation.invalidate(redis, RedisResultLedger.teamPattern(globby));

    assertThat(removed).isEqualTo(1);
    assertThat(ledger.isDone(globby, "req-1")).isFalse();
    assertThat(ledger.isDone(other, "req-1")).isTrue();
  }

  @Test
  void markDoneKeepsTheStatusForTheResultTtl() {
    String team = "team-a-" + run;

    markDone(team, "req-1", "FAILED", Duration.ofHours(2));

    String key = RedisResultLedger.key(team, "req-1");
    assertThat(redis.get(key)).isEqualTo("FAILED");
    assertThat(redis.pttl(key))
        .isBetween(Duration.ofMinutes(119).toMillis(), Duration.ofHours(2).toMillis());
  }

  @Test
  void statusTellsWhichTerminalResultTheRequestHad() {
    String team = "team-a-" + run;

    assertThat(ledger.status(team, "req-1")).isEmpty();

    markDone(team, "req-1", "FAILED", Duration.ofHours(2));
    assertThat(ledger.status(team, "req-1")).contains("FAILED");
    markDone(team, "req-1", "SUCCEEDED", Duration.ofHours(2));
    assertThat(ledger.status(team, "req-1")).contains("SUCCEEDED");
  }

  @Test
  void aResultBeingPublishedIsNotDoneAndSaysWhereItGoes() {
    String team = "team-a-" + run;
    written.add(RedisResultLedger.key(team, "req-1"));

    ledger.markPublishing(
        team, "req-1", new LedgerEntry.Publishing(4, 1_700_000_000_123L), Duration.ofHours(2));

    assertThat(ledger.isDone(team, "req-1")).isFalse();
    assertThat(ledger.status(team, "req-1")).isEmpty();
    assertThat(ledger.lookup(team, "req-1"))
        .contains(new LedgerEntry.Publishing(4, 1_700_000_000_123L));
    markDone(team, "req-1", "SUCCEEDED", Duration.ofHours(2));
    assertThat(ledger.lookup(team, "req-1")).contains(new LedgerEntry.Done("SUCCEEDED"));
  }

  @Test
  void entriesKeepTheFingerprintOfTheRequestTheyAnswerAndEntriesWrittenWithoutOneStillRead() {
    String team = "team-a-" + run;
    written.add(RedisResultLedger.key(team, "req-1"));
    written.add(RedisResultLedger.key(team, "legacy"));

    ledger.markPublishing(
        team,
        "req-1",
        new LedgerEntry.Publishing(4, 1_700_000_000_123L, "0123456789abcdef"),
        Duration.ofHours(2));
    assertThat(ledger.lookup(team, "req-1"))
        .contains(new LedgerEntry.Publishing(4, 1_700_000_000_123L, "0123456789abcdef"));
    ledger.markDone(
        team,
        "req-1",
        new LedgerEntry.Done("FAILED after replay dlq/0@7", "0123456789abcdef"),
        Duration.ofHours(2));
    assertThat(ledger.lookup(team, "req-1"))
        .contains(new LedgerEntry.Done("FAILED after replay dlq/0@7", "0123456789abcdef"));
    assertThat(ledger.status(team, "req-1")).contains("FAILED after replay dlq/0@7");

    redis.set(RedisResultLedger.key(team, "legacy"), "SUCCEEDED");
    assertThat(ledger.lookup(team, "legacy")).contains(new LedgerEntry.Done("SUCCEEDED", null));
  }

  @Test
  void sameRequestIdInAnotherTeamIsNotDone() {
    markDone("team-a-" + run, "nightly:row-1", "SUCCEEDED", Duration.ofDays(7));

    assertThat(ledger.isDone("team-b-" + run, "nightly:row-1")).isFalse();
  }

  @Test
  void teamNamesContainingColonsDoNotCollideWithRequestIds() {
    String team = "team-" + run;
    markDone(team, "batch:row-1", "SUCCEEDED", Duration.ofDays(7));

    assertThat(ledger.isDone(team + ":batch", "row-1")).isFalse();
    assertThat(RedisResultLedger.key(team, "batch:row-1"))
        .isNotEqualTo(RedisResultLedger.key(team + ":batch", "row-1"));
  }

  @Test
  void anUnreachableRedisCountsRequestsAsNotDoneInsteadOfFailingTheJob() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (JedisPooled down = new JedisPooled("127.0.0.1", closedPort);
        RedisResultLedger unreachable = new RedisResultLedger(down)) {

      unreachable.markDone("team-" + run, "req-1", "SUCCEEDED", Duration.ofDays(7));

      assertThat(unreachable.isDone("team-" + run, "req-1")).isFalse();
      assertThat(unreachable.unavailable()).isTrue();
    }
  }

  @Test
  void
      aRedisAtMaxmemoryStillFindsFinishedRequestsDoneAndSkipsTheWritesItRefusesInsteadOfFailingTheJob()
          throws Exception {
    String team = "team-full-" + run;
    try (RedisServerProcess server = new RedisServerProcess().start();
        JedisPooled client = new JedisPooled("127.0.0.1", server.port());
        RedisResultLedger full = new RedisResultLedger(client)) {
      full.markDone(team, "finished-before", "SUCCEEDED", Duration.ofHours(1));

      // When Redis reaches its maxmemory and refuses every write
      server.fillToMaxmemory();

      // Then a lease it refuses is a lookup: a finished request is still done, a new one runs
      // without a lease
      assertThat(full.begin(team, "finished-before", "worker-a"))
          .contains(new LedgerEntry.Done("SUCCEEDED"));
      assertThat(full.begin(team, "new", "worker-a")).isEmpty();
      full.markDone(team, "new", "SUCCEEDED", Duration.ofHours(1));
      assertThat(full.isDone(team, "new")).as("the refused write").isFalse();
      assertThat(full.unavailable()).as("reads alone do not end a refusal").isTrue();
      assertThat(full.skipped()).as("two leases and one done entry").isEqualTo(3);

      // And once Redis takes writes again, the ledger records again
      server.liftMaxmemory();
      full.markDone(team, "new", "SUCCEEDED", Duration.ofHours(1));
      assertThat(full.unavailable()).isFalse();
      assertThat(full.isDone(team, "new")).isTrue();
    }
  }

  private void markDone(String team, String requestId, String status, Duration ttl) {
    written.add(RedisResultLedger.key(team, requestId));
    ledger.markDone(team, requestId, status, ttl);
  }
}

package io.promptyard.worker.cache;

import static io.promptyard.testkit.local.LocalService.REDIS;
import static io.promptyard.testkit.local.LocalService.REDIS_SERVER;
import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.CachePolicy;
import io.promptyard.schemas.CacheScope;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Role;
import io.promptyard.testkit.local.Needs;
import io.promptyard.worker.ratelimit.RedisServerProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * Runs against the local Redis; every test uses its own teams and question, and deletes its keys.
 */
@Needs({REDIS, REDIS_SERVER})
class RedisResponseCacheIT {

  private final JedisPooled redis = new JedisPooled("127.0.0.1", 6379);
  private final RedisResponseCache cache = new RedisResponseCache(redis, "redis://127.0.0.1:6379");
  private final String run = UUID.randomUUID().toString();
  private final List<CacheKey> written = new ArrayList<>();

  @AfterEach
  void deleteKeysAndClose() {
    written.forEach(key -> redis.del(key.redisKey()));
    redis.close();
  }

  @Test
  void putThenGetReturnsTheSameBytes() {
    CacheKey key = key("team-a-" + run, CacheScope.TEAM);
    byte[] answer = "an encoded CompletionResult".getBytes(StandardCharsets.UTF_8);

    put(key, answer, Duration.ofMinutes(5));

    assertThat(cache.get(key)).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(answer));
  }

  @Test
  void keyNeverWrittenIsAMiss() {
    assertThat(cache.get(key("team-a-" + run, CacheScope.TEAM))).isEmpty();
  }

  @Test
  void putSetsTheTtlOnTheKey() {
    CacheKey key = key("team-a-" + run, CacheScope.TEAM);

    put(key, new byte[] {1, 2, 3}, Duration.ofSeconds(90));

    assertThat(redis.pttl(key.redisKey()))
        .isBetween(Duration.ofSeconds(80).toMillis(), Duration.ofSeconds(90).toMillis());
  }

  @Test
  void putOverwritesTheValueAndRenewsTheTtl() {
    CacheKey key = key("team-a-" + run, CacheScope.TEAM);
    put(key, "stale".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30));

    put(key, "fresh".getBytes(StandardCharsets.UTF_8), Duration.ofHours(1));

    assertThat(cache.get(key))
        .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
        .hasValue("fresh");
    assertThat(redis.pttl(key.redisKey())).isGreaterThan(Duration.ofMinutes(59).toMillis());
  }

  @Test
  void teamsDoNotSeeEachOthersEntries() {
    CacheKey teamA = key("team-a-" + run, CacheScope.TEAM);
    CacheKey teamB = key("team-b-" + run, CacheScope.TEAM);
    put(teamA, "team A's answer".getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5));

    assertThat(cache.get(teamB)).isEmpty();

    put(teamB, "team B's answer".getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5));
    assertThat(cache.get(teamA))
        .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
        .hasValue("team A's answer");
    assertThat(cache.get(teamB))
        .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
        .hasValue("team B's answer");
  }

  @Test
  void sharedEntryIsReadByEveryTeam() {
    CacheKey writtenByA = key("team-a-" + run, CacheScope.SHARED);
    put(writtenByA, "shared answer".getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5));

    CacheKey readByB = key("team-b-" + run, CacheScope.SHARED);

    assertThat(cache.get(readByB))
        .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
        .hasValue("shared answer");
  }

  private void put(CacheKey key, byte[] value, Duration ttl) {
    written.add(key);
    cache.put(key, value, ttl);
  }

  /**
   * The key of this run's question, unique to the run so parallel runs and earlier runs never
   * collide.
   */
  @Test
  void anUnreachableRedisIsAMissAndSkipsStoresInsteadOfFailingTheJob() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (JedisPooled down = new JedisPooled("127.0.0.1", closedPort);
        RedisResponseCache unreachable =
            new RedisResponseCache(down, "redis://127.0.0.1:" + closedPort)) {
      CacheKey key = key("team-a-" + run, CacheScope.TEAM);

      unreachable.put(key, "answer".getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5));

      assertThat(unreachable.get(key)).isEmpty();
      assertThat(unreachable.unavailable()).isTrue();
    }
    assertThat(cache.unavailable()).isFalse();
  }

  @Test
  void
      aRedisAtMaxmemoryStillAnswersLookupsAndSkipsTheStoresAndClaimsItRefusesInsteadOfFailingTheJob()
          throws Exception {
    try (RedisServerProcess server = new RedisServerProcess().start();
        JedisPooled client = new JedisPooled("127.0.0.1", server.port())) {
      RedisResponseCache full =
          new RedisResponseCache(client, "redis://127.0.0.1:" + server.port());
      CacheKey cachedBefore = key("team-a-" + run, CacheScope.TEAM);
      CacheKey fresh = key("team-b-" + run, CacheScope.TEAM);
      full.put(
          cachedBefore, "cached answer".getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5));

      // When Redis reaches its maxmemory and refuses every write
      server.fillToMaxmemory();

      // Then lookups still hit, and what it refuses is skipped: a claim it refuses lets this worker
      // call
      assertThat(full.get(cachedBefore))
          .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
          .hasValue("cached answer");
      full.put(fresh, "fresh answer".getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5));
      assertThat(full.claim(fresh, "worker-a", Duration.ofSeconds(60))).isTrue();
      assertThat(full.get(fresh)).isEmpty();
      assertThat(full.unavailable()).isTrue();

      // And once Redis takes writes again, answers are cached again
      server.liftMaxmemory();
      full.put(fresh, "fresh answer".getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5));
      assertThat(full.unavailable()).isFalse();
      assertThat(full.get(fresh)).isPresent();
    }
  }

  private CacheKey key(String team, CacheScope scope) {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId("r-" + UUID.randomUUID())
            .setTeam(team)
            .setModel("cheap")
            .setMessages(
                List.of(
                    Message.newBuilder()
                        .setRole(Role.USER)
                        .setText("question of run " + run)
                        .build()))
            .setCache(CachePolicy.newBuilder().setScope(scope).build())
            .build();
    return CacheKey.of(request, "sim", "sim-mini");
  }
}

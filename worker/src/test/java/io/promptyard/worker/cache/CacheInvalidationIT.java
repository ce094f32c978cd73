package io.promptyard.worker.cache;

import static io.promptyard.testkit.local.LocalService.REDIS;
import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.CachePolicy;
import io.promptyard.schemas.CacheScope;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Role;
import io.promptyard.testkit.local.Needs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/** Invalidation by team, by model and of everything, against the local Redis. */
@Needs(REDIS)
class CacheInvalidationIT {

  private final JedisPooled redis = new JedisPooled("127.0.0.1", 6379);
  private final RedisResponseCache cache = new RedisResponseCache(redis, "test");
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  // Team names with the characters a SCAN pattern would otherwise treat as globs or separators.
  private final String teamA = "alpha*:" + run;
  private final String teamB = "beta?" + run;

  @AfterEach
  void cleanUp() {
    CacheInvalidation.invalidate(redis, CacheKey.teamPattern(teamA));
    CacheInvalidation.invalidate(redis, CacheKey.teamPattern(teamB));
    CacheInvalidation.invalidate(redis, CacheKey.modelPattern("sim/model-" + run));
    redis.close();
  }

  @Test
  void invalidatingATeamRemovesOnlyThatTeamsEntries() {
    CacheKey a = put(teamA, "sim-mini", false);
    CacheKey b = put(teamB, "sim-mini", false);

    long removed = CacheInvalidation.invalidate(redis, CacheKey.teamPattern(teamA));

    assertThat(removed).isEqualTo(1);
    assertThat(cache.get(a)).isEmpty();
    assertThat(cache.get(b)).isPresent();
  }

  @Test
  void invalidatingAModelRemovesItsEntriesInEveryScopeAndNoOtherModels() {
    String model = "model-" + run;
    CacheKey teamEntry = put(teamA, model, false);
    CacheKey sharedEntry = put(teamB, model, true);
    CacheKey otherModel = put(teamA, "sim-mini", false);

    long removed = CacheInvalidation.invalidate(redis, CacheKey.modelPattern("sim/" + model));

    assertThat(removed).isEqualTo(2);
    assertThat(cache.get(teamEntry)).isEmpty();
    assertThat(cache.get(sharedEntry)).isEmpty();
    assertThat(cache.get(otherModel)).isPresent();
  }

  @Test
  void aBareModelIdMatchesThatModelAtAnyProvider() {
    String model = "model-" + run;
    CacheKey entry = put(teamA, model, false);

    assertThat(CacheInvalidation.invalidate(redis, CacheKey.modelPattern(model))).isEqualTo(1);
    assertThat(cache.get(entry)).isEmpty();
  }

  private CacheKey put(String team, String model, boolean shared) {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId("r")
            .setTeam(team)
            .setModel(model)
            .setMessages(
                List.of(Message.newBuilder().setRole(Role.USER).setText("hello " + run).build()))
            .setCache(shared ? CachePolicy.newBuilder().setScope(CacheScope.SHARED).build() : null)
            .build();
    CacheKey key = CacheKey.of(request, "sim", model);
    cache.put(key, "answer".getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5));
    return key;
  }
}

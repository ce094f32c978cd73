package io.promptyard.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Role;
import io.promptyard.worker.job.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class InMemoryResponseCacheTest {

  private final TestClock clock = new TestClock(Instant.parse("2026-11-23T12:00:00Z"));

  @Test
  void anAnswerIsServedUntilItsTtlAndNotAfter() {
    InMemoryResponseCache cache = new InMemoryResponseCache(clock);
    CacheKey shortLived = key("what time is it");
    CacheKey longLived = key("what is the capital of France");
    cache.put(shortLived, "noon".getBytes(), Duration.ofMinutes(1));
    cache.put(longLived, "Paris".getBytes(), Duration.ofHours(1));

    clock.advance(Duration.ofSeconds(59));
    assertThat(cache.get(shortLived))
        .hasValueSatisfying(v -> assertThat(new String(v)).isEqualTo("noon"));

    clock.advance(Duration.ofSeconds(2));
    assertThat(cache.get(shortLived)).isEmpty();
    assertThat(cache.get(longLived))
        .hasValueSatisfying(v -> assertThat(new String(v)).isEqualTo("Paris"));
  }

  @Test
  void expiredAnswersNobodyAsksForAgainAreSweptAway() {
    InMemoryResponseCache cache = new InMemoryResponseCache(clock);
    IntStream.range(0, 1_000)
        .forEach(i -> cache.put(key("question " + i), new byte[100], Duration.ofMinutes(5)));

    clock.advance(Duration.ofMinutes(6));

    assertThat(cache.size()).isZero();
  }

  @Test
  void theCacheHoldsNoMoreBytesThanItsBound() {
    // 1,000 answers of 1 KB offered to a cache of 100 KB: at most about a hundred stay.
    InMemoryResponseCache cache = new InMemoryResponseCache(clock, 100 * 1024);
    IntStream.range(0, 1_000)
        .forEach(i -> cache.put(key("question " + i), new byte[1024], Duration.ofHours(1)));

    assertThat(cache.size()).isBetween(1L, 100L);
  }

  private static CacheKey key(String question) {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId("r")
            .setTeam("team-a")
            .setModel("cheap")
            .setMessages(List.of(Message.newBuilder().setRole(Role.USER).setText(question).build()))
            .build();
    return CacheKey.of(request, "sim", "sim-mini");
  }
}

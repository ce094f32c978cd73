package io.promptyard.semanticcache;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.semanticcache.NearMissGuard.Difference;
import io.promptyard.semanticcache.NearMissGuard.NearMiss;
import io.promptyard.semanticcache.SemanticCache.Hit;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SemanticCacheTest {

  private static final Duration HOUR = Duration.ofHours(1);
  private static final SemanticKey TEAM_A = new SemanticKey("team-a", "openai/gpt-4o", "d1");
  private static final SemanticKey TEAM_B = new SemanticKey("team-b", "openai/gpt-4o", "d1");

  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-12-06T12:00:00Z"));
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };
  private SemanticCache cache = cache(SemanticCacheConfig.defaults());

  @AfterEach
  void close() {
    cache.close();
  }

  @Test
  void aRewordedQuestionGetsTheEarlierAnswerWithItsRequestIdAndSimilarity() {
    cache.put(q(TEAM_A, "What is the capital of France?"), "req-1", bytes("Paris."), HOUR);

    Hit hit = cache.lookup(q(TEAM_A, "what is the capital of france")).hit().orElseThrow();

    assertThat(hit.requestId()).isEqualTo("req-1");
    assertThat(text(hit.answer())).isEqualTo("Paris.");
    assertThat(hit.similarity()).isGreaterThan(0.99);
    assertThat(cache.stats().hits()).isEqualTo(1);
  }

  @Test
  void teamAsAnswersNeverAnswerTeamB() {
    cache.put(q(TEAM_A, "What is our refund policy?"), "req-1", bytes("secret"), HOUR);

    assertThat(cache.lookup(q(TEAM_B, "What is our refund policy?")).hit()).isEmpty();
    assertThat(cache.lookup(q(TEAM_A, "What is our refund policy?")).hit()).isPresent();
  }

  @Test
  void anotherConversationOrModelNeverShares() {
    cache.put(q(TEAM_A, "And its population?"), "req-1", bytes("67 million"), HOUR);
    SemanticKey otherHistory = new SemanticKey("team-a", "openai/gpt-4o", "d2");
    SemanticKey otherModel = new SemanticKey("team-a", "openai/gpt-4o-mini", "d1");

    assertThat(cache.lookup(q(otherHistory, "And its population?")).hit()).isEmpty();
    assertThat(cache.lookup(q(otherModel, "And its population?")).hit()).isEmpty();
  }

  @Test
  void aNearMissAboveTheThresholdIsRefusedAndSaysWhy() {
    cache.close();
    cache = cache(SemanticCacheConfig.defaults().withMinSimilarity(0.5));
    cache.put(q(TEAM_A, "Convert 5 km to miles"), "req-1", bytes("3.1 miles"), HOUR);

    SemanticCache.Lookup lookup = cache.lookup(q(TEAM_A, "Convert 8 km to miles"));

    assertThat(lookup.hit()).isEmpty();
    assertThat(lookup.refused()).map(NearMiss::difference).contains(Difference.NUMBER);
    assertThat(cache.stats().refusals()).isEqualTo(1);
  }

  @Test
  void aParaphraseBehindANearMissIsStillFound() {
    cache.close();
    cache = cache(SemanticCacheConfig.defaults().withMinSimilarity(0.5));
    cache.put(q(TEAM_A, "Convert 8 km to miles"), "req-8", bytes("5 miles"), HOUR);
    cache.put(q(TEAM_A, "Convert 5 km into miles please"), "req-5", bytes("3.1 miles"), HOUR);

    Hit hit = cache.lookup(q(TEAM_A, "Convert 5 km to miles")).hit().orElseThrow();

    assertThat(hit.requestId()).isEqualTo("req-5");
  }

  @Test
  void anEntryExpiresAtItsTtl() {
    cache.put(q(TEAM_A, "What is the capital of France?"), "req-1", bytes("Paris."), HOUR);

    now.set(now.get().plus(HOUR).minusSeconds(1));
    assertThat(cache.lookup(q(TEAM_A, "What is the capital of France?")).hit()).isPresent();
    now.set(now.get().plusSeconds(1));
    assertThat(cache.lookup(q(TEAM_A, "What is the capital of France?")).hit()).isEmpty();
    assertThat(cache.stats().entries()).isZero();
  }

  @Test
  void sweepingDropsExpiredEntries() {
    cache.put(q(TEAM_A, "short lived question"), "req-1", bytes("a"), Duration.ofMinutes(1));
    cache.put(q(TEAM_A, "long lived question"), "req-2", bytes("b"), HOUR);

    now.set(now.get().plus(Duration.ofMinutes(2)));

    assertThat(cache.sweepExpired()).isEqualTo(1);
    assertThat(cache.stats().entries()).isEqualTo(1);
  }

  @Test
  void expiredEntriesAreDroppedByAPutAMinuteLaterWithoutALookup() {
    cache.put(q(TEAM_A, "short lived question"), "req-1", bytes("a"), Duration.ofSeconds(30));

    now.set(now.get().plus(SemanticCache.SWEEP_INTERVAL));
    cache.put(q(TEAM_A, "a later question"), "req-2", bytes("b"), HOUR);

    assertThat(cache.stats().entries()).isEqualTo(1);
  }

  @Test
  void theLeastRecentlyUsedEntryGoesPastTheEntryBound() {
    cache.close();
    cache = cache(SemanticCacheConfig.defaults().withBounds(2, Long.MAX_VALUE));
    cache.put(q(TEAM_A, "first question about apples"), "req-1", bytes("a"), HOUR);
    cache.put(q(TEAM_A, "second question about pears"), "req-2", bytes("b"), HOUR);
    cache.lookup(q(TEAM_A, "first question about apples"));

    cache.put(q(TEAM_A, "third question about plums"), "req-3", bytes("c"), HOUR);

    assertThat(cache.lookup(q(TEAM_A, "second question about pears")).hit()).isEmpty();
    assertThat(cache.lookup(q(TEAM_A, "first question about apples")).hit()).isPresent();
    assertThat(cache.stats().evictions()).isEqualTo(1);
  }

  @Test
  void entriesGoPastTheByteBound() {
    cache.close();
    cache = cache(SemanticCacheConfig.defaults().withBounds(1000, 3000));
    for (int i = 0; i < 10; i++) {
      cache.put(q(TEAM_A, "question number " + i), "req-" + i, new byte[200], HOUR);
    }

    assertThat(cache.stats().bytes()).isLessThanOrEqualTo(3000);
    assertThat(cache.stats().entries()).isBetween(1, 9);
  }

  @Test
  void invalidatingATeamDropsOnlyItsEntries() {
    cache.put(q(TEAM_A, "What is our refund policy?"), "req-1", bytes("a"), HOUR);
    cache.put(q(TEAM_B, "What is our refund policy?"), "req-2", bytes("b"), HOUR);

    assertThat(cache.invalidateTeam("team-a")).isEqualTo(1);

    assertThat(cache.lookup(q(TEAM_A, "What is our refund policy?")).hit()).isEmpty();
    assertThat(cache.lookup(q(TEAM_B, "What is our refund policy?")).hit()).isPresent();
  }

  @Test
  void invalidatingAKeyDropsOnlyItsEntries() {
    SemanticKey otherHistory = new SemanticKey("team-a", "openai/gpt-4o", "d2");
    cache.put(q(TEAM_A, "What is our refund policy?"), "req-1", bytes("a"), HOUR);
    cache.put(q(otherHistory, "What is our refund policy?"), "req-2", bytes("b"), HOUR);

    assertThat(cache.invalidate(TEAM_A)).isEqualTo(1);

    assertThat(cache.lookup(q(TEAM_A, "What is our refund policy?")).hit()).isEmpty();
    assertThat(cache.lookup(q(otherHistory, "What is our refund policy?")).hit()).isPresent();
  }

  @Test
  void answersAreStoredCompressedAndComeBackWhole() {
    String answer = "Paris is the capital of France. ".repeat(100);
    cache.put(q(TEAM_A, "What is the capital of France?"), "req-1", bytes(answer), HOUR);

    Hit hit = cache.lookup(q(TEAM_A, "What is the capital of France?")).hit().orElseThrow();

    assertThat(text(hit.answer())).isEqualTo(answer);
    assertThat(cache.stats().storedAnswerBytes()).isLessThan(cache.stats().answerBytes() / 10);
  }

  @Test
  void theSameQuestionStoredAgainReplacesItsEntry() {
    cache.put(q(TEAM_A, "What is the capital of France?"), "req-1", bytes("Paris?"), HOUR);
    cache.put(q(TEAM_A, "What is the capital of France?"), "req-2", bytes("Paris."), HOUR);

    Hit hit = cache.lookup(q(TEAM_A, "What is the capital of France?")).hit().orElseThrow();

    assertThat(hit.requestId()).isEqualTo("req-2");
    assertThat(cache.stats().entries()).isEqualTo(1);
  }

  private SemanticCache cache(SemanticCacheConfig config) {
    return new SemanticCache(
        new WordHashEmbedder(), config.withRefreshInterval(Duration.ZERO), clock);
  }

  private static SemanticQuery q(SemanticKey key, String text) {
    return new SemanticQuery(key, text);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}

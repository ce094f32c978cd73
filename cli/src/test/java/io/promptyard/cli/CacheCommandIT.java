package io.promptyard.cli;

import static io.promptyard.testkit.local.LocalService.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.SemanticCacheEntry;
import io.promptyard.schemas.config.KafkaClientProperties;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.semanticcache.LazyEmbedder;
import io.promptyard.semanticcache.SemanticCache;
import io.promptyard.semanticcache.SemanticCacheConfig;
import io.promptyard.semanticcache.SemanticKey;
import io.promptyard.semanticcache.SemanticQuery;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.testkit.local.Needs;
import io.promptyard.worker.cache.CacheKey;
import io.promptyard.worker.cache.RedisResponseCache;
import io.promptyard.worker.cache.SemanticCacheTopic;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;
import redis.clients.jedis.JedisPooled;

/**
 * {@code promptyard cache invalidate} against the local Redis, audited on the shared test broker.
 */
@Needs(REDIS)
@ExtendWith(KafkaBrokerExtension.class)
class CacheCommandIT {

  /**
   * The time of the worker's index, its topic reader and the entries' expiry alike: fixed, so what
   * counts as expired does not depend on the day the test runs.
   */
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

  private final EmbeddedKafka kafka;
  private final Topics topics =
      new Topics("cachecli" + UUID.randomUUID().toString().substring(0, 8) + ".");

  CacheCommandIT(EmbeddedKafka kafka) {
    this.kafka = kafka;
    try (var admin = kafka.admin()) {
      new TopicProvisioner(1, (short) 1).ensure(admin, List.of(topics.audit()));
    }
  }

  @Test
  void invalidateTeamRemovesThatTeamsCachedAnswersAndSaysHowMany() {
    String team = "cli-" + UUID.randomUUID();
    try (JedisPooled redis = new JedisPooled("127.0.0.1", 6379)) {
      RedisResponseCache cache = new RedisResponseCache(redis, "test");
      CacheKey key =
          CacheKey.of(
              CompletionRequest.newBuilder()
                  .setId("r")
                  .setTeam(team)
                  .setModel("cheap")
                  .setMessages(
                      List.of(Message.newBuilder().setRole(Role.USER).setText("hi").build()))
                  .build(),
              "sim",
              "sim-mini");
      cache.put(key, "answer".getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5));
      StringWriter out = new StringWriter();

      int exit = invalidateTeam(team, out);

      assertThat(exit).isZero();
      assertThat(out.toString()).contains("removed 1 cached answer(s) of team " + team);
      assertThat(cache.get(key)).isEmpty();
    }
  }

  @Test
  void invalidateTeamTombstonesThatTeamsSemanticEntriesAndEveryWorkerDropsThem() throws Exception {
    try (var admin = kafka.admin()) {
      new TopicProvisioner(2, (short) 1).ensureCompacted(admin, List.of(topics.semanticCache()));
    }
    String team = "sem-" + UUID.randomUUID();
    // A worker's index, fed by the topic; its embedder is never needed (the vectors are stored).
    SemanticCache index =
        new SemanticCache(
            new LazyEmbedder(
                () -> {
                  throw new AssertionError("nothing is embedded");
                },
                "test-embedder",
                2),
            SemanticCacheConfig.defaults(),
            CLOCK);
    try (SemanticCacheTopic feed =
        new SemanticCacheTopic(
            KafkaClientProperties.bootstrapOnly(kafka.bootstrapServers()),
            topics.semanticCache(),
            index,
            CLOCK)) {
      publish(feed, entry(team, "What is the capital of France?"));
      publish(feed, entry("other-" + team, "What is the capital of Spain?"));
      await().atMost(Duration.ofSeconds(60)).until(() -> index.stats().entries() == 2);
      StringWriter out = new StringWriter();

      int exit = invalidateTeam(team, out);

      assertThat(exit).isZero();
      assertThat(out.toString())
          .contains("removed 1 semantic cache entr(ies) from " + topics.semanticCache());
      await().atMost(Duration.ofSeconds(60)).until(() -> index.stats().entries() == 1);
      assertThat(feed.applied()).isEqualTo(3);
    } finally {
      index.close();
    }
  }

  /** Runs {@code promptyard cache invalidate --team TEAM}, printing to {@code out}. */
  private int invalidateTeam(String team, StringWriter out) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    return cli.execute(
        "cache",
        "invalidate",
        "--team",
        team,
        "--redis-url",
        "redis://127.0.0.1:6379",
        "--bootstrap-servers",
        kafka.bootstrapServers(),
        "--topic-prefix",
        topics.prefix());
  }

  /** Writes {@code e} under its entry id, as a worker does. */
  private static void publish(SemanticCacheTopic feed, SemanticCacheEntry e) {
    feed.publish(
        SemanticCache.entryId(
            new SemanticQuery(
                new SemanticKey(e.getTeam(), e.getModel(), e.getDigest()), e.getPrompt())),
        e);
  }

  private static SemanticCacheEntry entry(String team, String prompt) {
    return SemanticCacheEntry.newBuilder()
        .setTeam(team)
        .setModel("sim/sim-mini")
        .setDigest("d")
        .setPrompt(prompt)
        .setRequestId("r-" + UUID.randomUUID())
        .setAnswer(ByteBuffer.wrap("answer".getBytes(StandardCharsets.UTF_8)))
        .setAnswerLength(6)
        .setExpiresAt(CLOCK.instant().plus(Duration.ofHours(1)))
        .setEmbedder("test-embedder")
        .setEmbedding(List.of(0.6f, 0.8f))
        .build();
  }

  @Test
  void invalidateNeedsExactlyOneTarget() {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));

    assertThat(cli.execute("cache", "invalidate")).isNotZero();
    assertThat(cli.execute("cache", "invalidate", "--all", "--team", "x")).isNotZero();
    assertThat(err.toString()).contains("--team").contains("--all");
  }
}

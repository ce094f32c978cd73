package io.promptyard.cli;

import static io.promptyard.testkit.local.LocalService.REDIS;
import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.testkit.local.Needs;
import io.promptyard.worker.cache.CacheKey;
import io.promptyard.worker.cache.RedisResponseCache;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
      CommandLine cli = Main.commandLine();
      cli.setOut(new PrintWriter(out, true));

      int exit =
          cli.execute(
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

      assertThat(exit).isZero();
      assertThat(out.toString()).contains("removed 1 cached answer(s) of team " + team);
      assertThat(cache.get(key)).isEmpty();
    }
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

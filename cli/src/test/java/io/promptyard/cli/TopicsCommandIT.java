package io.promptyard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** {@code promptyard topics create|describe} on the in-process broker. */
@ExtendWith(KafkaBrokerExtension.class)
class TopicsCommandIT {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final String prefix = "topicstest" + UUID.randomUUID().toString().substring(0, 8) + ".";

  private int run(EmbeddedKafka kafka, String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine cli =
        Main.commandLine(
            Map.of(
                "PROMPTYARD_BOOTSTRAP_SERVERS",
                kafka.bootstrapServers(),
                "PROMPTYARD_TOPIC_PREFIX",
                prefix,
                "HOME",
                "/nonexistent"));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void createMakesEveryMissingTopicAndDescribeShowsThem(EmbeddedKafka kafka) {
    assertThat(run(kafka, "topics", "describe", "--providers", "sim")).isZero();
    assertThat(out.toString()).contains(prefix + "dlq").contains("missing");

    assertThat(run(kafka, "topics", "create", "--providers", "sim,openai", "--partitions", "2"))
        .isZero();
    assertThat(out.toString())
        .contains(
            "created  " + prefix + "route.openai",
            "created  " + prefix + "route.sim.retry",
            "created  " + prefix + "usage.totals",
            "created  " + prefix + "semantic-cache",
            "created  " + prefix + "semantic-pauses",
            "created  " + prefix + "guard-policies",
            "created  " + prefix + "quotas",
            "30 topic(s) created, 0 already there");

    assertThat(run(kafka, "topics", "create", "--providers", "sim")).isZero();
    assertThat(out.toString()).contains("exists   " + prefix + "results", "0 topic(s) created");

    assertThat(run(kafka, "topics", "describe", "--providers", "sim,openai")).isZero();
    assertThat(out.toString()).doesNotContain("missing");
    // the test broker deletes nothing by age (log.retention.ms -1), which describe shows as
    // "forever"
    assertThat(
            out.toString()
                .lines()
                .filter(l -> l.startsWith(prefix + "results "))
                .findFirst()
                .orElseThrow())
        .matches(prefix.replace(".", "\\.") + "results\\s+2\\s+1\\s+delete\\s+forever");
    assertThat(
            out.toString()
                .lines()
                .filter(l -> l.startsWith(prefix + "provider-health "))
                .findFirst()
                .orElseThrow())
        .contains("compact");
    assertThat(
            out.toString()
                .lines()
                .filter(l -> l.startsWith(prefix + "guard-policies "))
                .findFirst()
                .orElseThrow())
        .contains("compact");
  }

  @Test
  void createWithTeamsMakesOnlyThoseTeamsIngressTopics(EmbeddedKafka kafka) {
    try (var admin = kafka.admin()) {
      // the audit trail the command writes to, which topics create without --team makes
      new TopicProvisioner(1, (short) 1).ensure(admin, List.of(new Topics(prefix).audit()));
    }
    assertThat(run(kafka, "topics", "create", "--team", "finance,search", "--partitions", "2"))
        .isZero();

    assertThat(out.toString())
        .contains(
            "created  " + prefix + "team.finance.requests",
            "created  " + prefix + "team.finance.requests.json",
            "created  " + prefix + "team.search.requests.json",
            "4 topic(s) created, 0 already there");

    assertThat(run(kafka, "topics", "create", "--team", "fin.ance")).isEqualTo(1);
    assertThat(err.toString()).contains("team 'fin.ance'").contains("no dots");
  }

  @Test
  void aMinInSyncAboveTheReplicationIsRefusedWithBothFigures(EmbeddedKafka kafka) {
    int exit =
        run(
            kafka,
            "topics",
            "create",
            "--providers",
            "sim",
            "--replication",
            "1",
            "--min-insync-replicas",
            "2",
            "--topic-prefix",
            "isr" + prefix);

    assertThat(exit).isNotZero();
    assertThat(err.toString())
        .contains("min.insync.replicas 2 is more than the replication factor 1");
  }

  @Test
  void aReplicationTheClusterCannotGiveIsOneLineSayingWhy(EmbeddedKafka kafka) {
    int exit =
        run(
            kafka,
            "topics",
            "create",
            "--providers",
            "sim",
            "--replication",
            "3",
            "--topic-prefix",
            "other" + prefix);

    assertThat(exit).isEqualTo(1);
    // The audit topic was among those not created, so the failure could not be recorded either.
    assertThat(err.toString().lines())
        .hasSize(2)
        .first()
        .asString()
        .startsWith("WARNING: the audit record of topics create was not written to other" + prefix);
    assertThat(err.toString().lines().toList().get(1))
        .startsWith(
            "promptyard topics create: could not create 26 topic(s) (other"
                + prefix
                + "requests, …): ")
        .contains("replication factor of 3 cannot be reached")
        .doesNotContain("Exception:");
  }
}

package io.promptyard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.schemas.AuditEvent;
import io.promptyard.schemas.TeamQuota;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code promptyard quota set|clear|show} against topics a test fills ({@link RecordedKafka}): what
 * is published for the workers, what is refused before anything is, and what an operator reads
 * back.
 */
class QuotaCommandTest {

  private static final Instant NOW = Instant.parse("2027-07-15T12:00:00Z");
  private static final Topics TOPICS = Topics.defaults();
  private static final AvroSerde<TeamQuota> QUOTAS = AvroSerde.of(TeamQuota.class);

  private final RecordedKafka kafka =
      new RecordedKafka()
          .topic(TOPICS.quotas(), 1, Map.of("cleanup.policy", "compact"))
          .topic(TOPICS.audit(), 1, Map.of());
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine cli =
        Main.commandLine(Map.of("HOME", "/nonexistent"), Clock.fixed(NOW, ZoneOffset.UTC), kafka);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private List<ProducerRecord<String, byte[]>> sentTo(String topic) {
    return kafka.sent().stream().filter(r -> r.topic().equals(topic)).toList();
  }

  @Test
  void setPublishesTheTeamWideQuotaKeyedByTeamAndAuditsIt() {
    assertThat(run("quota", "set", "search", "--rpm", "600", "--tpm", "200000", "--weight", "2"))
        .as(err.toString())
        .isZero();

    ProducerRecord<String, byte[]> published = sentTo(TOPICS.quotas()).getFirst();
    assertThat(published.key()).isEqualTo("search");
    TeamQuota quota = QUOTAS.decode(published.value());
    assertThat(quota.getProvider()).isNull();
    assertThat(quota.getRequestsPerMinute()).isEqualTo(600);
    assertThat(quota.getTokensPerMinute()).isEqualTo(200_000);
    assertThat(quota.getWeight()).isEqualTo(2);
    assertThat(quota.getUpdatedAt()).isEqualTo(NOW);
    assertThat(out.toString())
        .contains("quota of search set: 600 requests/min, 200000 tokens/min, weight 2");
    AuditEvent audit =
        AvroSerde.of(AuditEvent.class).decode(sentTo(TOPICS.audit()).getFirst().value());
    assertThat(audit.getCommand()).isEqualTo("quota set");
    assertThat(audit.getSucceeded()).isTrue();
  }

  @Test
  void aProvidersQuotaHasAKeyOfItsOwnAndClearRemovesOnlyIt() throws Exception {
    run("quota", "set", "search", "--rpm", "600");
    assertThat(run("quota", "set", "search", "--provider", "openai", "--tpm", "50000"))
        .as(err.toString())
        .isZero();
    assertThat(sentTo(TOPICS.quotas()).getLast().key()).isEqualTo("search/openai");
    assertThat(out.toString()).contains("quota of search on openai set: 50000 tokens/min");

    assertThat(run("quota", "clear", "search", "--provider", "openai")).as(err.toString()).isZero();

    ProducerRecord<String, byte[]> tombstone = sentTo(TOPICS.quotas()).getLast();
    assertThat(tombstone.key()).isEqualTo("search/openai");
    assertThat(tombstone.value()).isNull();
    assertThat(run("quota", "show", "search", "--output", "json")).isZero();
    JsonNode quotas = new ObjectMapper().readTree(out.toString()).path("quotas");
    assertThat(quotas).hasSize(1);
    assertThat(quotas.get(0).path("provider").isNull()).isTrue();
    assertThat(quotas.get(0).path("requests_per_minute").asLong()).isEqualTo(600);
  }

  @Test
  void showPrintsEachTeamsQuotasAndWeights() {
    run("quota", "set", "search", "--rpm", "600", "--weight", "3");
    run("quota", "set", "batch", "--provider", "anthropic", "--tpm", "90000");

    assertThat(run("quota", "show")).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("requests/min")
        .containsPattern("search +\\(all\\) +600 +- +3")
        .containsPattern("batch +anthropic +- +90000 +-");
  }

  @Test
  void badValuesAreRefusedAndNothingIsPublished() {
    assertThat(run("quota", "set", "search")).isOne();
    assertThat(err.toString()).contains("nothing to set");

    assertThat(run("quota", "set", "search", "--rpm", "-5")).isOne();
    assertThat(err.toString()).contains("--rpm and --tpm must be at least 0");

    assertThat(run("quota", "set", "search", "--weight", "0")).isOne();
    assertThat(err.toString()).contains("--weight must be between 1 and 1000");

    assertThat(kafka.sent()).as("nothing published, nothing audited").isEmpty();
  }
}

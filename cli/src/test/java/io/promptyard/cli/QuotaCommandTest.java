package io.promptyard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.schemas.AuditEvent;
import io.promptyard.schemas.TeamQuota;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.Topics;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

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
          .at(NOW)
          .topic(TOPICS.quotas(), 1, Map.of("cleanup.policy", "compact"))
          .topic(TOPICS.audit(), 1, Map.of());

  @Test
  void setPublishesTheTeamWideQuotaKeyedByTeamAndAuditsIt() {
    assertThat(
            kafka.run("quota", "set", "search", "--rpm", "600", "--tpm", "200000", "--weight", "2"))
        .as(kafka.err())
        .isZero();

    ProducerRecord<String, byte[]> published = kafka.sentTo(TOPICS.quotas()).getFirst();
    assertThat(published.key()).isEqualTo("search");
    TeamQuota quota = QUOTAS.decode(published.value());
    assertThat(quota.getProvider()).isNull();
    assertThat(quota.getRequestsPerMinute()).isEqualTo(600);
    assertThat(quota.getTokensPerMinute()).isEqualTo(200_000);
    assertThat(quota.getWeight()).isEqualTo(2);
    assertThat(quota.getUpdatedAt()).isEqualTo(NOW);
    assertThat(kafka.out())
        .contains("quota of search set: 600 requests/min, 200000 tokens/min, weight 2");
    AuditEvent audit =
        AvroSerde.of(AuditEvent.class).decode(kafka.sentTo(TOPICS.audit()).getFirst().value());
    assertThat(audit.getCommand()).isEqualTo("quota set");
    assertThat(audit.getSucceeded()).isTrue();
  }

  @Test
  void aProvidersQuotaHasAKeyOfItsOwnAndClearRemovesOnlyIt() throws Exception {
    kafka.run("quota", "set", "search", "--rpm", "600");
    assertThat(kafka.run("quota", "set", "search", "--provider", "openai", "--tpm", "50000"))
        .as(kafka.err())
        .isZero();
    assertThat(kafka.sentTo(TOPICS.quotas()).getLast().key()).isEqualTo("search/openai");
    assertThat(kafka.out()).contains("quota of search on openai set: 50000 tokens/min");

    assertThat(kafka.run("quota", "clear", "search", "--provider", "openai"))
        .as(kafka.err())
        .isZero();

    ProducerRecord<String, byte[]> tombstone = kafka.sentTo(TOPICS.quotas()).getLast();
    assertThat(tombstone.key()).isEqualTo("search/openai");
    assertThat(tombstone.value()).isNull();
    assertThat(kafka.run("quota", "show", "search", "--output", "json")).isZero();
    JsonNode quotas = new ObjectMapper().readTree(kafka.out()).path("quotas");
    assertThat(quotas).hasSize(1);
    assertThat(quotas.get(0).path("provider").isNull()).isTrue();
    assertThat(quotas.get(0).path("requests_per_minute").asLong()).isEqualTo(600);
  }

  @Test
  void showPrintsEachTeamsQuotasAndWeights() {
    kafka.run("quota", "set", "search", "--rpm", "600", "--weight", "3");
    kafka.run("quota", "set", "batch", "--provider", "anthropic", "--tpm", "90000");

    assertThat(kafka.run("quota", "show")).as(kafka.err()).isZero();
    assertThat(kafka.out())
        .contains("requests/min")
        .containsPattern("search +\\(all\\) +600 +- +3")
        .containsPattern("batch +anthropic +- +90000 +-");
  }

  @Test
  void badValuesAreRefusedAndNothingIsPublished() {
    assertThat(kafka.run("quota", "set", "search")).isOne();
    assertThat(kafka.err()).contains("nothing to set");

    assertThat(kafka.run("quota", "set", "search", "--rpm", "-5")).isOne();
    assertThat(kafka.err()).contains("--rpm and --tpm must be at least 0");

    assertThat(kafka.run("quota", "set", "search", "--weight", "0")).isOne();
    assertThat(kafka.err()).contains("--weight must be between 1 and 1000");

    assertThat(kafka.sent()).as("nothing published, nothing audited").isEmpty();
  }
}

package io.promptyard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.schemas.AuditEvent;
import io.promptyard.schemas.TeamGuardPolicy;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.Topics;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * {@code promptyard guard policy set|show|clear} against topics a test fills ({@link
 * RecordedKafka}): what is published for the router, what is refused before anything is, and what
 * an operator reads back.
 */
class GuardPolicyCommandTest {

  private static final Instant NOW = Instant.parse("2027-07-15T12:00:00Z");
  private static final Topics TOPICS = Topics.defaults();
  private static final AvroSerde<TeamGuardPolicy> POLICIES = AvroSerde.of(TeamGuardPolicy.class);

  private final RecordedKafka kafka =
      new RecordedKafka()
          .at(NOW)
          .topic(TOPICS.guardPolicies(), 1, Map.of("cleanup.policy", "compact"))
          .topic(TOPICS.audit(), 1, Map.of());

  @Test
  void setPublishesTheTeamsPolicyKeyedByTeamAndAuditsIt() {
    int exit =
        kafka.run(
            "guard",
            "policy",
            "set",
            "--team",
            "support",
            "--pii",
            "redact",
            "--email",
            "FLAG",
            "--injection",
            "block",
            "--injection-threshold",
            "0.8");

    assertThat(exit).as(kafka.err()).isZero();
    ProducerRecord<String, byte[]> published = kafka.sentTo(TOPICS.guardPolicies()).getFirst();
    assertThat(published.key()).isEqualTo("support");
    TeamGuardPolicy policy = POLICIES.decode(published.value());
    assertThat(policy.getDetectors())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "email",
                "flag",
                "phone",
                "redact",
                "card",
                "redact",
                "iban",
                "redact",
                "ip",
                "redact",
                "ssn",
                "redact",
                "injection",
                "block"));
    assertThat(policy.getInjectionThreshold()).isEqualTo(0.8);
    assertThat(policy.getPhoneRegion()).isNull();
    assertThat(policy.getUpdatedAt()).isEqualTo(NOW);
    assertThat(kafka.out())
        .contains("guard policy of support set: email flag, phone redact")
        .contains("injection block, injection threshold 0.8");
    AuditEvent audit =
        AvroSerde.of(AuditEvent.class).decode(kafka.sentTo(TOPICS.audit()).getFirst().value());
    assertThat(audit.getCommand()).isEqualTo("guard policy set");
    assertThat(audit.getSucceeded()).isTrue();
  }

  @Test
  void badValuesAreRefusedNamingTheOptionAndNothingIsPublished() {
    assertThat(kafka.run("guard", "policy", "set", "--team", "support", "--card", "shred")).isOne();
    assertThat(kafka.err())
        .contains("unknown action 'shred' for --card (one of off, flag, redact, block)");

    assertThat(kafka.run("guard", "policy", "set", "--team", "support", "--pii", "maybe")).isOne();
    assertThat(kafka.err()).contains("unknown action 'maybe' for --pii");

    assertThat(kafka.run("guard", "policy", "set", "--team", "support", "--injection", "redact"))
        .isOne();
    assertThat(kafka.err()).contains("--injection takes off, flag or block");

    assertThat(
            kafka.run(
                "guard", "policy", "set", "--team", "support", "--injection-threshold", "1.5"))
        .isOne();
    assertThat(kafka.err()).contains("--injection-threshold must be a score in (0, 1]");

    assertThat(kafka.run("guard", "policy", "set", "--team", "support", "--phone-region", "GBR"))
        .isOne();
    assertThat(kafka.err()).contains("--phone-region must be an ISO 3166 two-letter region");

    assertThat(kafka.run("guard", "policy", "set", "--team", "support")).isOne();
    assertThat(kafka.err()).contains("nothing to set");

    assertThat(kafka.run("guard", "policy", "set", "--pii", "flag")).isEqualTo(2);
    assertThat(kafka.err()).contains("--team");

    assertThat(kafka.sent()).as("nothing published, nothing audited").isEmpty();
  }

  @Test
  void setTakesTheTeamsOutputModerationAndShowPrintsIt() throws Exception {
    assertThat(
            kafka.run(
                "guard", "policy", "set", "--team", "support", "--output-moderation", "Redact"))
        .as(kafka.err())
        .isZero();

    TeamGuardPolicy policy =
        POLICIES.decode(kafka.sentTo(TOPICS.guardPolicies()).getFirst().value());
    assertThat(policy.getOutputModeration()).isEqualTo("redact");
    assertThat(policy.getDetectors()).isEmpty();
    assertThat(kafka.out()).contains("guard policy of support set: output moderation redact");

    assertThat(
            kafka.run("guard", "policy", "set", "--team", "support", "--output-moderation", "hide"))
        .isOne();
    assertThat(kafka.err()).contains("unknown action 'hide' for --output-moderation");

    assertThat(kafka.run("guard", "policy", "show", "--team", "support", "--output", "json"))
        .isZero();
    JsonNode support = new ObjectMapper().readTree(kafka.out()).path("policies").get(0);
    assertThat(support.path("output_moderation").asText()).isEqualTo("redact");
    assertThat(support.path("restore").isNull()).isTrue();
  }

  @Test
  void setTurnsTheTeamsRestoreOnAndShowPrintsIt() throws Exception {
    assertThat(kafka.run("guard", "policy", "set", "--team", "support", "--restore", "true"))
        .as(kafka.err())
        .isZero();

    TeamGuardPolicy policy =
        POLICIES.decode(kafka.sentTo(TOPICS.guardPolicies()).getFirst().value());
    assertThat(policy.getRestore()).isTrue();
    assertThat(kafka.out()).contains("guard policy of support set: restore on");

    assertThat(kafka.run("guard", "policy", "show", "--team", "support", "--output", "json"))
        .isZero();
    JsonNode support = new ObjectMapper().readTree(kafka.out()).path("policies").get(0);
    assertThat(support.path("restore").asBoolean()).isTrue();
  }

  @Test
  void withoutTheCompactedTopicNothingIsPublished() {
    RecordedKafka bare = new RecordedKafka().at(NOW).topic(TOPICS.audit(), 1, Map.of());

    int exit = bare.run("guard", "policy", "set", "--team", "support", "--pii", "flag");

    assertThat(exit).isOne();
    assertThat(bare.err())
        .contains("topic promptyard.guard-policies does not exist")
        .contains("promptyard topics create");
    assertThat(bare.sent()).isEmpty();
  }

  @Test
  void showPrintsWhatEachTeamSetsAndWhyARecordIsIgnored() throws Exception {
    kafka.run(
        "guard", "policy", "set", "--team", "support", "--pii", "redact", "--injection", "block");
    kafka.record(
        TOPICS.guardPolicies(),
        "research",
        POLICIES.encode(
            TeamGuardPolicy.newBuilder()
                .setTeam("research")
                .setDetectors(Map.of("retina", "block"))
                .setUpdatedAt(NOW)
                .build()));
    kafka.record(TOPICS.guardPolicies(), "legal", new byte[] {1, 2, 3});

    assertThat(kafka.run("guard", "policy", "show")).as(kafka.err()).isZero();
    assertThat(kafka.out())
        .contains("team")
        .contains("injection")
        .containsPattern(
            "support +redact +redact +redact +redact +redact +redact +- +block +- +- +-")
        .contains("research         ignored, the default policy applies: unknown detector 'retina'")
        .contains("legal            ignored, the default policy applies:");

    assertThat(kafka.run("guard", "policy", "show", "--team", "support", "--output", "json"))
        .isZero();
    JsonNode doc = new ObjectMapper().readTree(kafka.out());
    JsonNode support = doc.path("policies").get(0);
    assertThat(doc.path("policies")).hasSize(1);
    assertThat(support.path("team").asText()).isEqualTo("support");
    assertThat(support.path("detectors").path("email").asText()).isEqualTo("redact");
    assertThat(support.path("detectors").path("injection").asText()).isEqualTo("block");
    assertThat(support.path("detectors").has("secret")).as("not set: the default's").isFalse();
    assertThat(support.path("injection_threshold").isNull()).isTrue();
    assertThat(support.path("updated_at").asText()).isEqualTo(NOW.toString());
    assertThat(support.path("problem").isNull()).isTrue();
  }

  @Test
  void clearPublishesATombstoneThatReturnsTheTeamToTheDefault() {
    kafka.run("guard", "policy", "set", "--team", "support", "--secret", "flag");

    assertThat(kafka.run("guard", "policy", "clear", "--team", "support")).as(kafka.err()).isZero();

    ProducerRecord<String, byte[]> tombstone = kafka.sentTo(TOPICS.guardPolicies()).getLast();
    assertThat(tombstone.key()).isEqualTo("support");
    assertThat(tombstone.value()).isNull();
    assertThat(kafka.run("guard", "policy", "show", "--team", "support")).isZero();
    assertThat(kafka.out())
        .contains("team support has no guard policy of its own: the router's default policy");
  }
}

package io.promptyard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.schemas.TeamGuardPolicy;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code guard check --team} and {@code route --explain} use the guard policy the router would
 * apply to a team — its record on the guard-policies topic over the default — read through the
 * command's Kafka clients ({@link RecordedKafka}, no broker), and say which policy that was.
 */
class TeamGuardPolicyLookupTest {

  private static final Instant NOW = Instant.parse("2027-07-15T12:00:00Z");
  private static final Topics TOPICS = Topics.defaults();
  private static final AvroSerde<TeamGuardPolicy> POLICIES = AvroSerde.of(TeamGuardPolicy.class);

  private final RecordedKafka kafka =
      new RecordedKafka().topic(TOPICS.guardPolicies(), 1, Map.of("cleanup.policy", "compact"));
  private final Map<String, String> env = new HashMap<>(Map.of("HOME", "/nonexistent"));
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path dir;
  private Path prompts;

  @BeforeEach
  void aTeamThatBlocksEmailAddressesAndOneWhoseRecordIsUnusable() throws Exception {
    kafka.record(TOPICS.guardPolicies(), "support", policy("support", Map.of("email", "block")));
    kafka.record(TOPICS.guardPolicies(), "research", policy("research", Map.of("retina", "block")));
    prompts = dir.resolve("prompts.jsonl");
    Files.writeString(
        prompts, "{\"id\":\"p1\",\"text\":\"Write to jane.doe@example.com today\"}\n");
  }

  private static byte[] policy(String team, Map<String, String> detectors) {
    return POLICIES.encode(
        TeamGuardPolicy.newBuilder()
            .setTeam(team)
            .setDetectors(detectors)
            .setUpdatedAt(NOW)
            .build());
  }

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine cli = Main.commandLine(env, Clock.fixed(NOW, ZoneOffset.UTC), kafka);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private String decision() throws Exception {
    return new ObjectMapper().readTree(out.toString()).path("decision").asText();
  }

  @Test
  void guardCheckWithATeamUsesTheTeamsRecordOverTheDefaultAndSaysSo() throws Exception {
    assertThat(run("guard", "check", prompts.toString(), "--team", "support"))
        .as(err.toString())
        .isZero();
    assertThat(decision()).isEqualTo("block");
    assertThat(err.toString())
        .contains("policy: team support's own policy, over the default policy (default)")
        .contains("read from promptyard.guard-policies");

    assertThat(run("guard", "check", prompts.toString())).isZero();
    assertThat(decision()).as("without --team: the default policy, as before").isEqualTo("redact");
    assertThat(err.toString()).isEmpty();
    assertThat(kafka.configs()).as("without --team nothing is read from Kafka").hasSize(1);
  }

  @Test
  void aTeamWithoutAUsableRecordIsCheckedWithTheDefaultNamingWhy() throws Exception {
    assertThat(run("guard", "check", prompts.toString(), "--team", "finance")).isZero();
    assertThat(decision()).isEqualTo("redact");
    assertThat(err.toString())
        .contains("the default policy (default): team finance has no policy of its own");

    assertThat(run("guard", "check", prompts.toString(), "--team", "research")).isZero();
    assertThat(decision()).isEqualTo("redact");
    assertThat(err.toString())
        .contains("the policy record of team research is ignored")
        .contains("unknown detector 'retina'");
  }

  @Test
  void theDefaultUnderATeamsRecordIsThePolicyFileOrTheRoutersSetting() throws Exception {
    Path lax = dir.resolve("lax.json");
    Files.writeString(lax, "{\"detectors\": {\"email\": \"flag\"}}");

    assertThat(
            run(
                "guard",
                "check",
                prompts.toString(),
                "--team",
                "finance",
                "--policy",
                lax.toString()))
        .isZero();
    assertThat(decision()).isEqualTo("flag");
    assertThat(err.toString()).contains("the default policy (" + lax + ")");

    env.put("PROMPTYARD_GUARD_POLICY", lax.toString());
    assertThat(run("guard", "check", prompts.toString(), "--team", "finance")).isZero();
    assertThat(decision()).isEqualTo("flag");

    env.put("PROMPTYARD_GUARD_POLICY", "off");
    assertThat(run("guard", "check", prompts.toString(), "--team", "finance")).isNotZero();
    assertThat(err.toString()).contains("PROMPTYARD_GUARD_POLICY is off");
  }

  @Test
  void routeExplainLiveShowsTheTeamsPolicyAndExplainsABlockedRequestAsRejected() throws Exception {
    Path request = dir.resolve("request.json");
    Files.writeString(
        request,
        """
        {"model": "smart", "messages": [{"role": "user", "content": "Mail jane.doe@example.com the figures"}],
         "metadata": {"team": "support", "request_id": "r1"}}""");

    assertThat(run("route", "--explain", request.toString(), "--live")).as(err.toString()).isOne();
    assertThat(out.toString())
        .contains(
            "signals:    provider health, budgets and team guard policies from localhost:9092")
        .contains("guard:      team support's own policy, over the default policy (default)")
        .contains("verdicts:   email block (count 1")
        .contains("rejected:   CONTENT_POLICY: blocked by the guard policy: detector email found")
        .doesNotContain("jane.doe");

    Files.writeString(request, Files.readString(request).replace("support", "finance"));
    assertThat(run("route", "--explain", request.toString(), "--live")).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("guard:      the default policy (default): team finance has no policy of its own")
        .contains("verdicts:   email redact (count 1")
        .contains("routed to:");
  }

  @Test
  void routeExplainWithoutLiveGuardsWithTheDefaultAndReadsNoTopic() throws Exception {
    Path request = dir.resolve("request.json");
    Files.writeString(
        request,
        """
        {"model": "smart", "messages": [{"role": "user", "content": "Mail jane.doe@example.com the figures"}],
         "metadata": {"team": "support", "request_id": "r1"}}""");

    assertThat(run("route", "--explain", request.toString())).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains(
            "guard:      the default policy (default); team policies not read, --live reads them")
        .contains("verdicts:   email redact (count 1")
        .contains("answers:    output moderation off (the worker's check of the answer)");
    assertThat(kafka.configs()).isEmpty();
  }
}

package io.promptyard.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.schemas.usage.Period;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import io.promptyard.testkit.kafka.KafkaBrokerExtension;
import io.promptyard.usage.UsageFixture.Sums;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The query API of two aggregator instances that share the partitions: either one answers for every
 * team.
 */
@ExtendWith(KafkaBrokerExtension.class)
class QueryApiIT {

  /** The last second of a year: the events of the run fall in its final two seconds. */
  private static final Instant NOW = Instant.parse("2026-12-31T23:59:59Z");

  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @Test
  void eitherOfTwoInstancesAnswersForEveryTeamProviderAndAlert(EmbeddedKafka kafka)
      throws Exception {
    Topics topics = new Topics("query-" + System.nanoTime() + ".");
    List<UsageEvent> events = UsageFixture.eventsBefore("query", 2_000, NOW);
    Map<String, Sums> expected = UsageFixture.expected(events);
    long totalCost = expected.values().stream().mapToLong(Sums::costMicros).sum();
    var common = UsageFixture.common(kafka, topics, 6);
    UsageAggregatorApp.ensureTopics(common);
    try (KafkaProducer<String, byte[]> producer = UsageFixture.producer(kafka);
        UsageAggregatorApp one = instance(common, "query-app", config -> config);
        UsageAggregatorApp two = instance(common, "query-app", config -> config)) {
      UsageFixture.setBudget(
          producer,
          topics,
          "team-1",
          expected.get("team-1").costMicros() * 2,
          List.of(50, 80),
          NOW);
      UsageFixture.send(producer, topics, events);
      UsageFixture.sendRedactedResults(producer, topics, "team-1", 40, NOW);
      UsageFixture.awaitTotals(expected, one, two);
      assertThat(UsageFixture.monthTotals(one)).as("the partitions are shared").isNotEmpty();
      assertThat(UsageFixture.monthTotals(two)).as("the partitions are shared").isNotEmpty();

      Set<String> servedBy = new HashSet<>();
      for (UsageAggregatorApp asked : List.of(one, two)) {
        for (var team : expected.entrySet()) {
          JsonNode usage =
              UsageFixture.get(
                  asked.httpPort(), "/api/teams/" + team.getKey() + "/usage?period=month");
          assertThat(usage.get("total").get("costMicros").asLong())
              .as("%s asked on port %d", team.getKey(), asked.httpPort())
              .isEqualTo(team.getValue().costMicros());
          assertThat(usage.get("rows").get(0).get("periodStart").asText())
              .isEqualTo(Period.MONTH.format(NOW));
          long byModel = 0;
          for (JsonNode m : usage.get("models")) {
            byModel += m.get("costMicros").asLong();
          }
          assertThat(byModel).isEqualTo(team.getValue().costMicros());
          servedBy.add(usage.get("servedBy").asText());
        }

        JsonNode teams = UsageFixture.get(asked.httpPort(), "/api/teams");
        assertThat(teams.get("teams")).hasSize(expected.size());
        JsonNode team1 = findTeam(teams, "team-1");
        assertThat(team1.get("monthCostMicros").asLong())
            .isEqualTo(expected.get("team-1").costMicros());
        assertThat(team1.get("budget").get("percentUsed").asLong()).isEqualTo(50);

        JsonNode providers = UsageFixture.get(asked.httpPort(), "/api/providers?period=month");
        long providerCost = 0;
        long providerRequests = 0;
        for (JsonNode p : providers.get("providers")) {
          providerCost += p.get("costMicros").asLong();
          providerRequests += p.get("requests").asLong();
          assertThat(p.get("latencyP50Millis").asLong()).isBetween(50L, 450L);
        }
        assertThat(providerCost).isEqualTo(totalCost);
        assertThat(providerRequests).isEqualTo(events.size());

        JsonNode spend = UsageFixture.get(asked.httpPort(), "/api/charts/spend");
        assertThat(spend.get("unreachable")).isEmpty();
        assertThat(spend.get("teamsTotal").asInt()).isEqualTo(expected.size());
        for (JsonNode t : spend.get("teams")) {
          assertThat(t.get("spentMicros").asLong())
              .isEqualTo(expected.get(t.get("team").asText()).costMicros());
        }
        JsonNode hourly = UsageFixture.get(asked.httpPort(), "/api/charts/providers?hours=2");
        assertThat(hourly.get("hours")).hasSize(2);
        long hourlyCalls = 0;
        for (JsonNode model : hourly.get("models")) {
          for (JsonNode calls : model.get("providerCalls")) {
            hourlyCalls += calls.asLong();
          }
        }
        assertThat(hourlyCalls)
            .as("each hour's partial totals merged across both instances")
            .isEqualTo(events.size());

        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .untilAsserted(
                () ->
                    assertThat(
                            UsageFixture.get(asked.httpPort(), "/api/alerts")
                                .get("alerts")
                                .findValuesAsText("id"))
                        .containsExactly("team-1|" + Period.MONTH.format(NOW) + "|threshold-50"));

        // each instance holds the counts of its results partitions: the answer adds both up
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .untilAsserted(
                () ->
                    assertThat(
                            UsageFixture.get(asked.httpPort(), "/api/guard?period=month")
                                .get("rows")
                                .toString())
                        .isEqualTo(
                            "[{\"period\":\"month\",\"at\":\""
                                + Period.MONTH.format(NOW)
                                + "\",\"team\":\"team-1\",\"detector\":\"email\","
                                + "\"action\":\"redact\",\"requests\":40,\"findings\":80}]"));
      }
      assertThat(servedBy).as("each team is answered by the instance that owns it").hasSize(2);
    }
  }

  @Test
  void withTokensEachCallerReadsWhatItsTokenAllowsOnEitherInstance(EmbeddedKafka kafka)
      throws Exception {
    Topics topics = new Topics("tokens-" + System.nanoTime() + ".");
    List<UsageEvent> events = UsageFixture.eventsBefore("tokens", 300, NOW);
    Map<String, Sums> expected = UsageFixture.expected(events);
    var common = UsageFixture.common(kafka, topics, 6);
    UsageAggregatorApp.ensureTopics(common);
    try (KafkaProducer<String, byte[]> producer = UsageFixture.producer(kafka);
        UsageAggregatorApp one = instance(common, "tokens-app", UsageFixture::withTokens);
        UsageAggregatorApp two = instance(common, "tokens-app", UsageFixture::withTokens)) {
      for (String team : List.of("team-1", "team-2")) {
        UsageFixture.setBudget(
            producer, topics, team, expected.get(team).costMicros() * 2, List.of(50), NOW);
      }
      UsageFixture.send(producer, topics, events);
      UsageFixture.awaitTotals(expected, one, two);
      String full = UsageFixture.FULL_TOKEN;
      String team1 = UsageFixture.TEAM_1_TOKEN;

      Set<String> servedTeam1 = new HashSet<>();
      for (UsageAggregatorApp asked : List.of(one, two)) {
        int port = asked.httpPort();
        for (String path : List.of("/api/teams", "/api/teams/team-1/usage", "/metrics")) {
          HttpResponse<String> none = UsageFixture.call(port, path, null);
          assertThat(none.statusCode()).as(path + " without a token").isEqualTo(401);
          assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
          assertThat(UsageFixture.call(port, path, "wrong-" + full).statusCode())
              .as(path + " with a wrong token")
              .isEqualTo(401);
        }
        assertThat(UsageFixture.call(port, "/health", null).statusCode()).isEqualTo(200);
        assertThat(UsageFixture.call(port, "/", null).statusCode())
            .as("the dashboard page loads, to ask for the token")
            .isEqualTo(200);

        JsonNode all = UsageFixture.get(port, "/api/teams", full);
        assertThat(all.get("teams")).hasSize(expected.size());
        assertThat(all.get("unreachable")).as("the other instance answers").isEmpty();
        for (var team : expected.entrySet()) {
          JsonNode usage =
              UsageFixture.get(port, "/api/teams/" + team.getKey() + "/usage?period=month", full);
          assertThat(usage.get("total").get("costMicros").asLong())
              .isEqualTo(team.getValue().costMicros());
        }
        assertThat(UsageFixture.get(port, "/api/providers?period=month", full).get("providers"))
            .isNotEmpty();
        assertThat(UsageFixture.call(port, "/metrics", full).body())
            .contains("promptyard_usage_events_total");
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .untilAsserted(
                () ->
                    assertThat(
                            UsageFixture.get(port, "/api/alerts", full)
                                .get("alerts")
                                .findValuesAsText("team"))
                        .containsExactlyInAnyOrder("team-1", "team-2"));

        JsonNode own = UsageFixture.get(port, "/api/teams/team-1/usage?period=month", team1);
        assertThat(own.get("total").get("costMicros").asLong())
            .isEqualTo(expected.get("team-1").costMicros());
        servedTeam1.add(own.get("servedBy").asText());
        JsonNode byUser =
            UsageFixture.get(port, "/api/teams/team-1/usage/by/user?period=month", team1);
        assertThat(byUser.get("rows").findValuesAsText("value"))
            .containsExactlyInAnyOrder("user-0", "user-1", "user-2", "user-3");
        assertThat(
                byUser.get("rows").findValues("costMicros").stream()
                    .mapToLong(JsonNode::asLong)
                    .sum())
            .as("the users' rows add up to the team's total")
            .isEqualTo(expected.get("team-1").costMicros());
        servedTeam1.add(byUser.get("servedBy").asText());
        assertThat(UsageFixture.get(port, "/api/access", team1).get("team").asText())
            .isEqualTo("team-1");
        assertThat(UsageFixture.get(port, "/api/access", full).get("team").isNull()).isTrue();
        JsonNode listed = UsageFixture.get(port, "/api/teams", team1);
        assertThat(listed.get("teams").findValuesAsText("team")).containsExactly("team-1");
        assertThat(listed.get("unreachable")).isEmpty();
        assertThat(
                UsageFixture.get(port, "/api/alerts", team1).get("alerts").findValuesAsText("team"))
            .containsExactly("team-1");
        assertThat(
                UsageFixture.get(port, "/api/charts/spend", team1)
                    .get("teams")
                    .findValuesAsText("team"))
            .containsExactly("team-1");
        for (String path :
            List.of(
                "/api/teams/team-2/usage?period=month",
                "/api/teams/team-2/usage/by/tag",
                "/api/providers",
                "/api/charts/providers",
                "/metrics")) {
          assertThat(UsageFixture.call(port, path, team1).statusCode())
              .as(path + " with team-1's token")
              .isEqualTo(403);
        }
      }
      assertThat(servedTeam1)
          .as("one instance owns team-1; the other forwarded the call with the caller's token")
          .hasSize(1);
    }
  }

  @Test
  void healthMetricsAndBadQueriesAnswerClearly(EmbeddedKafka kafka) throws Exception {
    Topics topics = new Topics("health-" + System.nanoTime() + ".");
    try (UsageAggregatorApp app =
        UsageAggregatorApp.start(
            AggregatorConfig.embedded(UsageFixture.common(kafka, topics, 1), "health-app", null),
            CLOCK)) {
      await()
          .atMost(Duration.ofMinutes(1))
          .ignoreExceptions()
          .until(
              () ->
                  UsageFixture.get(app.httpPort(), "/health").get("status").asText().equals("UP"));
      assertThat(UsageFixture.getText(app.httpPort(), "/metrics"))
          .contains(
              "promptyard_usage_events_total",
              "jvm_memory_used_bytes",
              "jvm_gc_",
              "jvm_threads_live_threads",
              "process_cpu_usage",
              "kafka_stream_thread_process_total");
      assertThat(UsageFixture.getText(app.httpPort(), "/api/teams/acme/usage?period=week"))
          .contains("period 'week' is not hour, day or month");
      assertThat(
              UsageFixture.getText(
                  app.httpPort(), "/api/teams/acme/usage?period=day&from=2026-13-01"))
          .contains("'2026-13-01' is not a day");
      assertThat(UsageFixture.getText(app.httpPort(), "/api/teams/acme/usage/by/model"))
          .contains("usage is broken down by user, template or tag, not 'model'");
      assertThat(UsageFixture.getText(app.httpPort(), "/api/teams/acme/usage/by/user?period=hour"))
          .contains("kept by day and by month, not by hour");
      assertThat(UsageFixture.call(app.httpPort(), "/api/charts/providers?hours=1000", null))
          .satisfies(r -> assertThat(r.statusCode()).isEqualTo(400))
          .satisfies(
              r ->
                  assertThat(r.body())
                      .contains("hours must be a whole number from 1 to 72, not '1000'"));
    }
  }

  /**
   * An instance of {@code applicationId} with its own state directory, configured by {@code how}.
   */
  private static UsageAggregatorApp instance(
      CommonConfig common, String applicationId, UnaryOperator<AggregatorConfig> how)
      throws IOException {
    return UsageAggregatorApp.start(
        how.apply(
            AggregatorConfig.embedded(
                common, applicationId, Files.createTempDirectory("usage-" + applicationId))),
        CLOCK);
  }

  private static JsonNode findTeam(JsonNode teams, String name) {
    for (JsonNode t : teams.get("teams")) {
      if (t.get("team").asText().equals(name)) {
        return t;
      }
    }
    throw new AssertionError(name + " is not in " + teams);
  }
}

package io.promptyard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Output;
import io.promptyard.schemas.ResultError;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.UsageTotals;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What the listing commands print for programs ({@code --output json}) and for people, read from
 * topics a test fills ({@link RecordedKafka}): one JSON document with the documented field names,
 * money in micro-dollars; {@code results} JSON Lines in the OpenAI Batch output format.
 */
class ListingOutputTest {

  private static final Instant NOW = Instant.parse("2027-07-15T12:00:00Z");
  private static final Topics TOPICS = new Topics(Topics.DEFAULT_PREFIX);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RecordedKafka kafka = new RecordedKafka();
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

  private JsonNode json(String... args) throws Exception {
    assertThat(run(args)).as("%s: %s", String.join(" ", args), err).isZero();
    return JSON.readTree(out.toString());
  }

  private static <V extends SpecificRecord> byte[] avro(Class<V> type, V value) {
    return AvroSerde.of(type).encode(value);
  }

  @Test
  void dlqListPrintsOneDocumentOfTheLettersShownAndHowManyMatched() throws Exception {
    kafka.topic(TOPICS.deadLetters(), 1, Map.of());
    for (int i = 1; i <= 3; i++) {
      kafka.record(
          TOPICS.deadLetters(),
          "r" + i,
          avro(
              DeadLetter.class,
              DeadLetter.newBuilder()
                  .setRequestId("r" + i)
                  .setTeam(i == 2 ? null : "search")
                  .setOriginTopic(TOPICS.route("openai"))
                  .setErrorCode(ErrorCode.AUTHENTICATION)
                  .setErrorMessage("key refused\non line two " + i)
                  .setProvider("openai")
                  .setDeadLetteredAt(NOW.minusSeconds(60 * (4 - i)))
                  .build()));
    }
    kafka.record(TOPICS.deadLetters(), "junk", new byte[] {1, 2, 3});

    JsonNode doc = json("dlq", "list", "--limit", "2", "--output", "json");

    assertThat(doc.path("matched").asInt()).isEqualTo(3);
    assertThat(doc.path("shown").asInt()).isEqualTo(2);
    assertThat(doc.path("unreadable").asInt()).isEqualTo(1);
    assertThat(doc.path("dead_letters")).hasSize(2);
    JsonNode first = doc.path("dead_letters").get(0);
    assertThat(fieldNames(first))
        .containsExactly(
            "position", "dead_lettered_at", "code", "provider", "team", "request_id", "reason");
    assertThat(first.path("position").asText()).isEqualTo("0@1");
    assertThat(first.path("dead_lettered_at").asText()).isEqualTo(NOW.minusSeconds(120).toString());
    assertThat(first.path("code").asText()).isEqualTo("AUTHENTICATION");
    assertThat(first.path("team").isNull()).isTrue();
    assertThat(first.path("reason").asText()).isEqualTo("key refused\non line two 2");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void usagePrintsThePeriodTheRowsAndTheirTotalWithMoneyInMicroDollars() throws Exception {
    kafka.topic(TOPICS.usageTotals(), 1, Map.of()).topic(TOPICS.budgetStatus(), 1, Map.of());
    Instant month = Instant.parse("2027-07-01T00:00:00Z");
    kafka.record(
        TOPICS.usageTotals(),
        "team|search|month",
        avro(UsageTotals.class, totals("team", "search", null, month, 6, 150_000_015L)));
    kafka.record(
        TOPICS.usageTotals(),
        "team|finance|month",
        avro(UsageTotals.class, totals("team", "finance", null, month, 4, 100_000_000L)));
    kafka.record(
        TOPICS.usageTotals(),
        "team-model|search|sim/sim-mini|month",
        avro(
            UsageTotals.class, totals("team-model", "search", "sim-mini", month, 6, 150_000_015L)));
    kafka.record(
        TOPICS.usageTotals(),
        "team|search|june",
        avro(
            UsageTotals.class,
            totals("team", "search", null, Instant.parse("2027-06-01T00:00:00Z"), 1, 1L)));
    kafka.record(
        TOPICS.budgetStatus(),
        "search",
        avro(Budget.class, budget("search", 250_000_000L, 150_000_015L)));

    JsonNode doc = json("usage", "--output", "json");

    assertThat(fieldNames(doc)).containsExactly("period", "at", "team", "by", "rows", "total");
    assertThat(doc.path("period").asText()).isEqualTo("month");
    assertThat(doc.path("at").asText()).isEqualTo("2027-07");
    assertThat(doc.path("team").isNull()).isTrue();
    assertThat(doc.path("rows"))
        .extracting(r -> r.path("team").asText())
        .containsExactly("search", "finance");
    JsonNode search = doc.path("rows").get(0);
    assertThat(fieldNames(search))
        .containsExactly(
            "team",
            "requests",
            "errors",
            "cached",
            "input_tokens",
            "output_tokens",
            "cost_micros",
            "saved_by_cache_micros",
            "monthly_budget_micros");
    assertThat(search.path("cost_micros").asLong()).isEqualTo(150_000_015L);
    assertThat(search.path("monthly_budget_micros").asLong()).isEqualTo(250_000_000L);
    assertThat(doc.path("rows").get(1).path("monthly_budget_micros").isNull()).isTrue();
    assertThat(doc.path("total").path("requests").asLong()).isEqualTo(10);
    assertThat(doc.path("total").path("cost_micros").asLong()).isEqualTo(250_000_015L);

    JsonNode perModel = json("usage", "--team", "search", "--output", "json");
    assertThat(perModel.path("team").asText()).isEqualTo("search");
    assertThat(fieldNames(perModel.path("rows").get(0)))
        .startsWith("team", "provider", "model", "requests")
        .doesNotContain("monthly_budget_micros");
    assertThat(perModel.path("rows").get(0).path("model").asText()).isEqualTo("sim-mini");
  }

  @Test
  void usageByUserTemplateOrTagPrintsOneTeamsRowsOfThatDimension() throws Exception {
    kafka.topic(TOPICS.usageTotals(), 1, Map.of()).topic(TOPICS.budgetStatus(), 1, Map.of());
    Instant month = Instant.parse("2027-07-01T00:00:00Z");
    for (UsageTotals t :
        List.of(
            breakdown("team-user", "search", "ada", month, 3, 300_000L),
            breakdown("team-user", "search", "(other)", month, 2, 900_000L),
            breakdown("team-user", "finance", "ada", month, 9, 9L),
            breakdown("team-tag", "search", "env=prod", month, 3, 300_000L),
            breakdown("team-tag", "search", "feature=faq", month, 3, 300_000L))) {
      kafka.record(TOPICS.usageTotals(), t.getDimension() + "|" + t.getKey(), avro(t));
    }

    JsonNode users = json("usage", "--team", "search", "--by", "user", "--output", "json");
    assertThat(users.path("by").asText()).isEqualTo("user");
    assertThat(users.path("rows"))
        .extracting(r -> r.path("user").asText())
        .containsExactly("(other)", "ada");
    assertThat(fieldNames(users.path("rows").get(0)))
        .startsWith("team", "user", "requests")
        .doesNotContain("model", "monthly_budget_micros");
    assertThat(users.path("total").path("cost_micros").asLong()).isEqualTo(1_200_000L);

    JsonNode tags = json("usage", "--team", "search", "--by", "tag", "--output", "json");
    assertThat(tags.path("rows")).hasSize(2);
    assertThat(tags.path("total").isNull()).as("tag rows overlap").isTrue();

    assertThat(run("usage", "--team", "search", "--by", "tag")).isZero();
    assertThat(out.toString())
        .contains("Team search, per-tag usage for month 2027-07")
        .contains("env=prod")
        .contains("the rows overlap")
        .doesNotContain("TOTAL");

    assertThat(run("usage", "--by", "user")).isNotZero();
    assertThat(err.toString()).contains("--by needs --team");
    assertThat(run("usage", "--team", "search", "--by", "model")).isNotZero();
    assertThat(err.toString()).contains("user, template or tag");
    assertThat(run("usage", "--team", "search", "--by", "user", "--period", "hour")).isNotZero();
    assertThat(err.toString()).contains("by day and by month");
  }

  private static byte[] avro(UsageTotals t) {
    return avro(UsageTotals.class, t);
  }

  private static UsageTotals breakdown(
      String dimension, String team, String value, Instant start, long requests, long cost) {
    return UsageTotals.newBuilder(totals(dimension, team, null, start, requests, cost))
        .setKey(team + "|" + value)
        .build();
  }

  @Test
  void budgetShowPrintsEachBudgetWithItsSpend() throws Exception {
    kafka.topic(TOPICS.budgetStatus(), 1, Map.of());
    kafka.record(
        TOPICS.budgetStatus(),
        "search",
        avro(Budget.class, budget("search", 250_000_000L, 150_000_015L)));
    kafka.record(
        TOPICS.budgetStatus(), "finance", avro(Budget.class, budget("finance", 1_000_000L, 0L)));

    JsonNode doc = json("budget", "show", "search", "--output", "JSON");

    assertThat(fieldNames(doc)).containsExactly("budgets");
    assertThat(doc.path("budgets")).hasSize(1);
    JsonNode search = doc.path("budgets").get(0);
    assertThat(fieldNames(search))
        .containsExactly(
            "team",
            "monthly_budget_micros",
            "soft_limit_micros",
            "spent_micros",
            "monthly_token_limit",
            "tokens",
            "alert_thresholds_percent",
            "as_of");
    assertThat(search.path("monthly_budget_micros").asLong()).isEqualTo(250_000_000L);
    assertThat(search.path("soft_limit_micros").isNull()).isTrue();
    assertThat(search.path("monthly_token_limit").isNull()).isTrue();
    assertThat(search.path("spent_micros").asLong()).isEqualTo(150_000_015L);
    assertThat(search.path("alert_thresholds_percent").toString()).isEqualTo("[50,80,100]");
    assertThat(search.path("as_of").asText()).isEqualTo(NOW.toString());
  }

  @Test
  void topicsDescribePrintsEachTopicAndWhichAreMissing() throws Exception {
    kafka.topic(
        TOPICS.results(), 2, Map.of("cleanup.policy", "delete", "retention.ms", "604800000"));
    kafka.topic(TOPICS.audit(), 1, Map.of("cleanup.policy", "delete", "retention.ms", "-1"));

    JsonNode doc =
        json("topics", "describe", TOPICS.results(), TOPICS.audit(), "nope", "--output", "json");

    assertThat(doc.toString())
        .isEqualTo(
            "{\"topics\":[{\"topic\":\"promptyard.results\",\"exists\":true,\"partitions\":2,"
                + "\"replication\":1,\"cleanup_policy\":\"delete\",\"retention_ms\":604800000},"
                + "{\"topic\":\"promptyard.audit\",\"exists\":true,\"partitions\":1,"
                + "\"replication\":1,\"cleanup_policy\":\"delete\",\"retention_ms\":-1},"
                + "{\"topic\":\"nope\",\"exists\":false}],\"missing\":1}");

    assertThat(run("topics", "describe", TOPICS.results(), "nope")).isZero();
    assertThat(out.toString().lines())
        .contains(
            String.format("%-40s %10d %11d %-8s %s", TOPICS.results(), 2, 1, "delete", "7d"),
            String.format("%-40s %s", "nope", "missing"));
  }

  @Test
  void resultsPrintJsonLinesByDefaultAndOneSafeLineARequestAsText() throws Exception {
    kafka.topic(TOPICS.results(), 1, Map.of());
    kafka.record(
        TOPICS.results(),
        "req-1",
        avro(
            CompletionResult.class,
            result("req-1", "q-1", ResultStatus.SUCCEEDED)
                .setProvider("openai")
                .setModel("gpt-4o-mini")
                .setOutput(
                    Output.newBuilder().setText("Paris.\n\u001b[2J\u202Eis the capital").build())
                .setCostMicros(1_500L)
                .build()));
    kafka.record(
        TOPICS.results(),
        "req-2",
        avro(
            CompletionResult.class,
            result("req-2", "q-2", ResultStatus.FAILED)
                .setError(
                    ResultError.newBuilder()
                        .setCode(ErrorCode.AUTHENTICATION)
                        .setMessage("key refused")
                        .build())
                .build()));

    assertThat(run("results")).isZero();
    List<JsonNode> lines = out.toString().lines().map(ListingOutputTest::parse).toList();
    assertThat(lines).extracting(l -> l.path("custom_id").asText()).containsExactly("q-1", "q-2");
    assertThat(lines.get(0).path("response").path("status_code").asInt()).isEqualTo(200);
    assertThat(lines.get(0).path("promptyard").path("cost_micros").asLong()).isEqualTo(1_500L);
    assertThat(run("results", "--output", "json")).isZero();
    assertThat(out.toString().lines()).hasSize(2);

    assertThat(run("results", "--output", "text")).isZero();
    assertThat(out.toString().lines())
        .hasSize(3)
        .allSatisfy(l -> assertThat(l).doesNotContain("\u001b", "\u202E"));
    assertThat(out.toString().lines().toList().get(1))
        .startsWith("q-1 ")
        .contains("SUCCEEDED", "openai/gpt-4o-mini", "$0.001500")
        .endsWith("Paris. \uFFFD[2J\uFFFDis the capital");
    assertThat(out.toString().lines().toList().get(2))
        .startsWith("q-2 ")
        .contains("FAILED")
        .endsWith("AUTHENTICATION: key refused");
  }

  @Test
  void anOutputFormatOtherThanTextOrJsonIsRefusedNamingBoth() {
    kafka.topic(TOPICS.budgetStatus(), 1, Map.of());
    assertThat(run("budget", "show", "--output", "table")).isZero();
    assertThat(run("budget", "show", "--output", "yaml")).isEqualTo(2);
    assertThat(err.toString()).contains("'yaml' is not an output format; use text or json");
  }

  @Test
  void everyClientACommandMakesGetsTheCommandConfigAndNothingOfItIsPrinted(@TempDir Path dir)
      throws Exception {
    String secret = "s3cr3t-" + "x".repeat(12);
    Path properties =
        Files.writeString(
            dir.resolve("client.properties"),
            "security.protocol=SASL_SSL\n"
                + "sasl.mechanism=PLAIN\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule"
                + " required username=\"ops\" password=\""
                + secret
                + "\";\n");
    kafka
        .topic(TOPICS.budgetStatus(), 1, Map.of())
        .topic(TOPICS.deadLetters(), 1, Map.of())
        .topic(TOPICS.results(), 1, Map.of())
        .topic(
            TOPICS.results() + ".x", 1, Map.of("cleanup.policy", "delete", "retention.ms", "-1"));
    String[][] commands = {
      {"budget", "show"},
      {"dlq", "list"},
      {"results"},
      {"topics", "describe", TOPICS.results() + ".x"}
    };
    for (String[] command : commands) {
      String[] args =
          java.util.stream.Stream.concat(
                  java.util.Arrays.stream(command),
                  java.util.stream.Stream.of(
                      "--bootstrap-server",
                      "kafka-1:9093",
                      "--command-config",
                      properties.toString()))
              .toArray(String[]::new);
      assertThat(run(args)).as(String.join(" ", command)).isZero();
      assertThat(out.toString() + err.toString()).doesNotContain(secret);
    }

    assertThat(kafka.configs())
        .hasSize(commands.length)
        .allSatisfy(
            config ->
                assertThat(config)
                    .containsEntry("bootstrap.servers", "kafka-1:9093")
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsKey("sasl.jaas.config"));
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static UsageTotals totals(
      String dimension, String team, String model, Instant start, long requests, long cost) {
    return UsageTotals.newBuilder()
        .setDimension(dimension)
        .setKey(dimension + "|" + team + "|" + model)
        .setPeriod("month")
        .setPeriodStart(start)
        .setRequests(requests)
        .setInputTokens(requests * 100)
        .setOutputTokens(requests * 10)
        .setCostMicros(cost)
        .setUpdatedAt(NOW)
        .setTeam(team)
        .setProvider(model == null ? null : "sim")
        .setModel(model)
        .build();
  }

  private static Budget budget(String team, long limit, long spent) {
    return Budget.newBuilder()
        .setTeam(team)
        .setMonthlyLimitMicros(limit)
        .setSpentThisMonthMicros(spent)
        .setUpdatedAt(NOW)
        .build();
  }

  private static CompletionResult.Builder result(String id, String customId, ResultStatus status) {
    return CompletionResult.newBuilder()
        .setId(id)
        .setTeam("search")
        .setStatus(status)
        .setCustomId(customId)
        .setUsage(new TokenUsage(12L, 3L, 0L, 0L))
        .setCompletedAt(NOW);
  }
}

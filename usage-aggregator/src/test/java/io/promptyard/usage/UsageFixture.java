package io.promptyard.usage;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DetectorVerdict;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.UsageTotals;
import io.promptyard.schemas.config.CommonConfig;
import io.promptyard.schemas.config.Settings;
import io.promptyard.schemas.http.HttpTokens;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.TopicProvisioner;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.schemas.usage.Period;
import io.promptyard.testkit.kafka.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Usage events on a real broker, the sums a correct aggregator must arrive at, and HTTP calls to
 * its API.
 */
final class UsageFixture {

  static final ObjectMapper JSON = new ObjectMapper();

  /** The full-access token of {@link #withTokens}. */
  static final String FULL_TOKEN = "full-access-0123456789";

  /** Team-1's token of {@link #withTokens}. */
  static final String TEAM_1_TOKEN = "team-1-only-0123456789";

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** What a team's month should add up to; a failed call is not a request. */
  record Sums(long requests, long costMicros, long inputTokens) {
    Sums plus(UsageEvent e) {
      return new Sums(
          requests + (e.getErrorCode() == null ? 1 : 0),
          costMicros + e.getCostMicros(),
          inputTokens + e.getUsage().getInputTokens());
    }
  }

  private UsageFixture() {}

  static CommonConfig common(EmbeddedKafka kafka, Topics topics, int partitions) {
    return new CommonConfig(
        kafka.bootstrapServers(), topics, new TopicProvisioner(partitions, (short) 1));
  }

  static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.LINGER_MS_CONFIG,
            5,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  /** Event {@code i}: one of five teams and three models, a cost that differs per event. */
  static UsageEvent event(String run, int i, Instant at) {
    return UsageEvent.newBuilder()
        .setEventId(run + "-r" + i + ":1")
        .setRequestId(run + "-r" + i)
        .setTeam("team-" + (i % 5))
        .setUser("user-" + (i % 4))
        .setProvider(i % 3 == 0 ? "sim" : "other")
        .setModel("m" + (i % 3))
        .setUsage(new TokenUsage(100L + i % 7, 20L, 0L, 0L))
        .setCostMicros(1_000 + (i % 97))
        .setLatencyMillis(50 + i % 400)
        .setOccurredAt(at)
        .build();
  }

  /** Events 0 to {@code count - 1} of {@link #event}, each a millisecond before the one before. */
  static List<UsageEvent> eventsBefore(String run, int count, Instant latest) {
    List<UsageEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(event(run, i, latest.minusMillis(i)));
    }
    return events;
  }

  static void send(
      KafkaProducer<String, byte[]> producer, Topics topics, Collection<UsageEvent> events) {
    AvroSerde<UsageEvent> serde = AvroSerde.of(UsageEvent.class);
    for (UsageEvent e : events) {
      // stamped with the event's own time, as the worker's records are, so stream time follows the
      // fixed test instants
      producer.send(
          new ProducerRecord<>(
              topics.usage(),
              null,
              e.getOccurredAt().toEpochMilli(),
              e.getTeam(),
              serde.encode(e)));
    }
    producer.flush();
  }

  /**
   * Results carrying guard verdicts, at {@code at}: team-1's two requests (two emails redacted in
   * one, a secret blocked in the other) and team-2's one (an email redacted).
   */
  static void sendGuardedResults(
      KafkaProducer<String, byte[]> producer, Topics topics, Instant at) {
    sendResults(
        producer,
        List.of(
            guarded("g1", "team-1", at, ResultStatus.SUCCEEDED, "email", "redact", 2),
            guarded("g2", "team-1", at, ResultStatus.REJECTED, "secret", "block", 1),
            guarded("g3", "team-2", at, ResultStatus.SUCCEEDED, "email", "redact", 1)),
        topics);
  }

  /**
   * {@code count} results of {@code team}, each with two emails redacted: keyed over partitions.
   */
  static void sendRedactedResults(
      KafkaProducer<String, byte[]> producer, Topics topics, String team, int count, Instant at) {
    List<CompletionResult> results = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      results.add(guarded("redacted-" + i, team, at, ResultStatus.SUCCEEDED, "email", "redact", 2));
    }
    sendResults(producer, results, topics);
  }

  private static void sendResults(
      KafkaProducer<String, byte[]> producer, List<CompletionResult> results, Topics topics) {
    AvroSerde<CompletionResult> serde = AvroSerde.of(CompletionResult.class);
    for (CompletionResult r : results) {
      producer.send(
          new ProducerRecord<>(
              topics.results(),
              null,
              r.getCompletedAt().toEpochMilli(),
              r.getId(),
              serde.encode(r)));
    }
    producer.flush();
  }

  private static CompletionResult guarded(
      String id,
      String team,
      Instant at,
      ResultStatus status,
      String detector,
      String action,
      int count) {
    return UsageDriver.result(
        id, team, at, status, new DetectorVerdict(detector, action, count, 0.9));
  }

  static void setBudget(
      KafkaProducer<String, byte[]> producer,
      Topics topics,
      String team,
      long monthlyMicros,
      List<Integer> thresholds,
      Instant at) {
    Budget b =
        Budget.newBuilder()
            .setTeam(team)
            .setMonthlyLimitMicros(monthlyMicros)
            .setAlertThresholdsPercent(thresholds)
            .setUpdatedAt(at)
            .build();
    producer.send(
        new ProducerRecord<>(
            topics.budgets(), null, at.toEpochMilli(), team, AvroSerde.of(Budget.class).encode(b)));
    producer.flush();
  }

  /** Per-team sums over distinct event ids. */
  static Map<String, Sums> expected(Collection<UsageEvent> events) {
    Map<String, UsageEvent> distinct = new TreeMap<>();
    events.forEach(e -> distinct.putIfAbsent(e.getEventId(), e));
    Map<String, Sums> sums = new TreeMap<>();
    distinct
        .values()
        .forEach(
            e ->
                sums.merge(
                    e.getTeam(),
                    new Sums(0, 0, 0).plus(e),
                    (a, b) ->
                        new Sums(
                            a.requests + b.requests,
                            a.costMicros + b.costMicros,
                            a.inputTokens + b.inputTokens)));
    return sums;
  }

  /** Waits until every instance runs and together they hold {@code expected}. */
  static void awaitTotals(Map<String, Sums> expected, UsageAggregatorApp... apps) {
    await()
        .atMost(Duration.ofMinutes(2))
        .ignoreExceptions()
        .until(
            () ->
                Arrays.stream(apps).allMatch(a -> a.state() == KafkaStreams.State.RUNNING)
                    && monthTotals(apps).equals(expected));
  }

  /** Per-team month sums as an aggregator instance holds them locally. */
  static Map<String, Sums> monthTotals(UsageAggregatorApp... apps) {
    Map<String, Sums> sums = new TreeMap<>();
    for (UsageAggregatorApp app : apps) {
      for (UsageTotals t : app.queries().teamTotals(Period.MONTH)) {
        sums.merge(
            t.getKey(),
            new Sums(t.getRequests(), t.getCostMicros(), t.getInputTokens()),
            (a, b) ->
                new Sums(
                    a.requests + b.requests,
                    a.costMicros + b.costMicros,
                    a.inputTokens + b.inputTokens));
      }
    }
    return sums;
  }

  /**
   * {@code config} with {@link #FULL_TOKEN} and a team token {@link #TEAM_1_TOKEN} of team-1, read
   * from the settings and the team tokens file as the aggregator reads them in production.
   */
  static AggregatorConfig withTokens(AggregatorConfig config) {
    Path teams;
    try {
      teams = Files.createTempFile("team-tokens-", ".txt");
      teams.toFile().deleteOnExit();
      Files.writeString(teams, "# team=token\nteam-1=" + TEAM_1_TOKEN + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    HttpTokens tokens =
        AggregatorConfig.from(
                new Settings(
                    Map.of(
                        "PROMPTYARD_USAGE_HTTP_TOKEN",
                        FULL_TOKEN,
                        "PROMPTYARD_USAGE_HTTP_TEAM_TOKENS_FILE",
                        teams.toString())))
            .httpTokens();
    return new AggregatorConfig(
        config.common(),
        config.applicationId(),
        config.stateDir(),
        config.httpPort(),
        config.advertisedHost(),
        config.commitInterval(),
        config.dedupRetention(),
        config.forecastAfter(),
        config.streamThreads(),
        config.httpBind(),
        tokens,
        config.jsonMirrors(),
        config.maxBreakdownValues(),
        config.falseHits());
  }

  /** GETs {@code pathAndQuery} with {@code Authorization: Bearer token}, or none when null. */
  static HttpResponse<String> call(int port, String pathAndQuery, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + pathAndQuery));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode get(int port, String pathAndQuery) throws Exception {
    return get(port, pathAndQuery, null);
  }

  /** The JSON {@code pathAndQuery} answers with 200 to a caller with {@code token}. */
  static JsonNode get(int port, String pathAndQuery, String token) throws Exception {
    HttpResponse<String> r = call(port, pathAndQuery, token);
    if (r.statusCode() != 200) {
      throw new AssertionError(pathAndQuery + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  static String getText(int port, String pathAndQuery) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + pathAndQuery)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}

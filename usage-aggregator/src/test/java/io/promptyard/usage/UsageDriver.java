package io.promptyard.usage;

import io.promptyard.schemas.Alert;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.BudgetSettlement;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.DetectorVerdict;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.SemanticPause;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.UsageTotals;
import io.promptyard.schemas.deadletter.DeadLetterExceptionHandler;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.schemas.usage.Period;
import io.promptyard.usage.guard.GuardCount;
import io.promptyard.usage.totals.Totals;
import io.promptyard.usage.totals.TotalsKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The aggregator's topology under {@link TopologyTestDriver}, with helpers to send usage and
 * budgets and read the outputs.
 */
final class UsageDriver implements AutoCloseable {

  final Topics topics = Topics.defaults();
  final UsageTopology.Options options;
  final UsageMetrics metrics;
  final TopologyTestDriver driver;
  final TestInputTopic<String, byte[]> usage;
  final TestInputTopic<String, byte[]> budgets;
  final TestInputTopic<String, byte[]> results;
  final TestOutputTopic<String, UsageTotals> totals;
  final TestOutputTopic<String, Alert> alerts;
  final TestOutputTopic<String, Budget> status;
  final TestOutputTopic<String, BudgetSettlement> settlements;
  final TestOutputTopic<String, DeadLetter> dlq;
  final TestInputTopic<String, byte[]> pausesIn;
  final TestOutputTopic<String, SemanticPause> pauses;
  private final AvroSerde<UsageEvent> events = AvroSerde.of(UsageEvent.class);

  UsageDriver() {
    this(UsageTopology.Options.defaults(Topics.defaults()));
  }

  UsageDriver(UsageTopology.Options options) {
    this(options, UsageMetrics.inMemory());
  }

  /**
   * The aggregator as it runs in production (dead-letter exception handler included), counting into
   * {@code metrics}.
   */
  UsageDriver(UsageTopology.Options options, UsageMetrics metrics) {
    this.options = options;
    this.metrics = metrics;
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "usage-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(
        StreamsConfig.STATE_DIR_CONFIG,
        System.getProperty("java.io.tmpdir") + "/usage-test-" + System.nanoTime());
    DeadLetterExceptionHandler.install(props, topics.deadLetters());
    driver = new TopologyTestDriver(UsageTopology.build(options, metrics), props);
    usage =
        driver.createInputTopic(topics.usage(), new StringSerializer(), new ByteArraySerializer());
    budgets =
        driver.createInputTopic(
            topics.budgets(), new StringSerializer(), new ByteArraySerializer());
    results =
        driver.createInputTopic(
            topics.results(), new StringSerializer(), new ByteArraySerializer());
    totals =
        driver.createOutputTopic(
            topics.usageTotals(), new StringDeserializer(), AvroSerde.of(UsageTotals.class));
    alerts =
        driver.createOutputTopic(
            topics.alerts(), new StringDeserializer(), AvroSerde.of(Alert.class));
    status =
        driver.createOutputTopic(
            topics.budgetStatus(), new StringDeserializer(), AvroSerde.of(Budget.class));
    settlements =
        driver.createOutputTopic(
            topics.budgetSettlements(),
            new StringDeserializer(),
            AvroSerde.of(BudgetSettlement.class));
    dlq =
        driver.createOutputTopic(
            topics.deadLetters(), new StringDeserializer(), AvroSerde.of(DeadLetter.class));
    pausesIn =
        driver.createInputTopic(
            topics.semanticPauses(), new StringSerializer(), new ByteArraySerializer());
    pauses =
        driver.createOutputTopic(
            topics.semanticPauses(), new StringDeserializer(), AvroSerde.of(SemanticPause.class));
  }

  /** Writes {@code pause} on the semantic-pauses topic, as an operator's reset is written. */
  void send(SemanticPause pause) {
    pausesIn.pipeInput(
        pause.getTeam(), AvroSerde.of(SemanticPause.class).encode(pause), pause.getDecidedAt());
  }

  /** A shadow verification of a hit of {@code team}'s, its shadow call costing {@code cost}. */
  static UsageEvent shadow(String eventId, String team, Instant at, boolean agreed, long cost) {
    return base(eventId, team, at)
        .setShadow(true)
        .setCostMicros(cost)
        .setAnswerSimilarity(agreed ? 0.93 : 0.41)
        .setAnswersAgree(agreed)
        .build();
  }

  void send(UsageEvent e) {
    usage.pipeInput(e.getTeam(), events.encode(e), e.getOccurredAt());
  }

  /** Sends a result keyed by its request id, as the router and the workers do. */
  void send(CompletionResult r) {
    results.pipeInput(
        r.getId(), AvroSerde.of(CompletionResult.class).encode(r), r.getCompletedAt());
  }

  /** A result of team {@code team}'s request {@code id}, with these guard verdicts (none: null). */
  static CompletionResult result(
      String id, String team, Instant at, ResultStatus status, DetectorVerdict... verdicts) {
    return CompletionResult.newBuilder()
        .setId(id)
        .setTeam(team)
        .setStatus(status)
        .setUsage(new TokenUsage(0L, 0L, 0L, 0L))
        .setCompletedAt(at)
        .setGuard(verdicts.length == 0 ? null : List.of(verdicts))
        .build();
  }

  /** The guard verdict counts: {@link GuardCount} keys to rows. */
  KeyValueStore<String, GuardCount> guardCounts() {
    return driver.getKeyValueStore(UsageTopology.GUARD_STORE);
  }

  void setBudget(String team, long monthlyMicros, List<Integer> thresholds, Instant at) {
    budgets.pipeInput(
        team,
        AvroSerde.of(Budget.class)
            .encode(
                Budget.newBuilder()
                    .setTeam(team)
                    .setMonthlyLimitMicros(monthlyMicros)
                    .setAlertThresholdsPercent(thresholds)
                    .setUpdatedAt(at)
                    .build()),
        at);
  }

  /** Runs the wall-clock punctuation that publishes changed totals and budget statuses. */
  void emit() {
    driver.advanceWallClockTime(options.emitInterval());
  }

  /** The dedup store: {@link SeenEvents} keys to the time each event occurred. */
  KeyValueStore<String, Long> seen() {
    return driver.getKeyValueStore(UsageTopology.SEEN_STORE);
  }

  KeyValueStore<String, Totals> store() {
    return driver.getKeyValueStore(UsageTopology.TOTALS_STORE);
  }

  UsageTotals team(String team, Period period, Instant at) {
    Totals t = store().get(TotalsKey.team(team, period, at));
    return t == null ? null : t.toRecord();
  }

  UsageTotals teamModel(String team, String provider, String model, Period period, Instant at) {
    Totals t = store().get(TotalsKey.teamModel(team, provider, model, period, at));
    return t == null ? null : t.toRecord();
  }

  UsageTotals providerModel(String provider, String model, Period period, Instant at) {
    Totals t = store().get(TotalsKey.providerModel(provider, model, period, at));
    return t == null ? null : t.toRecord();
  }

  static UsageEvent event(String eventId, String team, Instant at, long costMicros) {
    return base(eventId, team, at).setCostMicros(costMicros).build();
  }

  static UsageEvent.Builder base(String eventId, String team, Instant at) {
    return UsageEvent.newBuilder()
        .setEventId(eventId)
        .setRequestId(eventId.split(":")[0])
        .setTeam(team)
        .setProvider("sim")
        .setModel("sim-mini")
        .setUsage(new TokenUsage(100L, 20L, 0L, 0L))
        .setCostMicros(1_000)
        .setLatencyMillis(120)
        .setOccurredAt(at);
  }

  static UsageEvent failed(String eventId, String team, Instant at, ErrorCode code) {
    return base(eventId, team, at)
        .setUsage(new TokenUsage(0L, 0L, 0L, 0L))
        .setCostMicros(0)
        .setErrorCode(code)
        .build();
  }

  @Override
  public void close() {
    driver.close();
  }

  static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }
}

package io.promptyard.usage;

import io.promptyard.schemas.Alert;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.BudgetSettlement;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.SemanticPause;
import io.promptyard.schemas.UsageTotals;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.serde.RecordSizeLimit;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.usage.budget.BudgetAlerts;
import io.promptyard.usage.budget.BudgetTracker;
import io.promptyard.usage.guard.GuardCount;
import io.promptyard.usage.shadow.FalseHitPolicy;
import io.promptyard.usage.shadow.FalseHitWatch;
import io.promptyard.usage.totals.Totals;
import io.promptyard.usage.totals.WriteBehindStore;
import io.promptyard.usage.totals.WriteBehindStoreBuilder;
import java.time.Duration;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The usage aggregator's topology. Usage events (keyed by team) become totals per team, team ×
 * model and provider × model for each UTC hour, day and month, and per team × user, template and
 * tag for each day and month (bounded, see {@link io.promptyard.usage.totals.LabelBound}), each
 * event (team and event id) counted once; budget settings (keyed by team, on a topic with as many
 * partitions) meet the same task as the team's usage, so thresholds are checked where the month
 * total changes. Results (keyed by request id) have the guard verdicts they carry counted per team,
 * detector and action ({@link GuardVerdictProcessor}). Outputs: totals, alerts, each team's budget
 * status, and dead letters for undecodable input; when asked, JSON mirrors of the results and usage
 * topics. Shadow verifications of semantic cache hits are counted per team ({@link FalseHitWatch})
 * and its decisions published on the semantic-pauses topic (keyed by team, as many partitions as
 * usage), which is read back for operators' resets.
 */
public final class UsageTopology {

  /**
   * Queryable store of every total: key from {@link io.promptyard.usage.totals.TotalsKey}, value
   * {@link Totals}.
   */
  public static final String TOTALS_STORE = "usage-totals";

  /** Queryable store of budget settings by team. */
  public static final String BUDGETS_STORE = "budget-settings";

  /** Queryable store of the alerts raised, by alert id. */
  public static final String ALERTS_STORE = "budget-alerts";

  /**
   * Queryable store of the guard verdict counts: key and value {@link
   * io.promptyard.usage.guard.GuardCount}, partial per results partition.
   */
  public static final String GUARD_STORE = "guard-verdict-counts";

  /**
   * The values of each team's {@link io.promptyard.usage.totals.Breakdown} given rows of their own
   * this month, and their number ({@link io.promptyard.usage.totals.LabelBound}).
   */
  static final String LABELS_STORE = "usage-breakdown-values";

  /**
   * Queryable store of each team's recent shadow verifications and pause ({@code FalseHitWindow}).
   */
  public static final String FALSE_HITS_STORE = "semantic-false-hits";

  static final String GUARD_SEEN_STORE = "guard-seen-results";
  static final String SEEN_STORE = "usage-seen-events";
  static final String USAGE_SOURCE = "usage";
  static final String BUDGETS_SOURCE = "budgets";
  static final String AGGREGATE = "aggregate";
  static final String SETTINGS = "budget-settings-update";
  static final String TO_TOTALS = "to-totals";
  static final String TO_ALERTS = "to-alerts";
  static final String TO_STATUS = "to-budget-status";
  static final String TO_SETTLEMENTS = "to-budget-settlements";
  static final String TO_DLQ = "to-dlq";
  static final String PAUSES_SOURCE = "semantic-pauses";
  static final String PAUSE_RESET = "semantic-pause-reset";
  static final String TO_PAUSES = "to-semantic-pauses";
  static final String RESULTS_TO_DLQ = "results-to-dlq";
  static final String RESULTS_SOURCE = "results";
  static final String COUNT_VERDICTS = "count-guard-verdicts";
  static final String MIRROR_RESULTS = "mirror-results-json";
  static final String MIRROR_USAGE = "mirror-usage-json";
  static final String TO_RESULTS_JSON = "to-results-json";
  static final String TO_USAGE_JSON = "to-usage-json";

  /**
   * How the topology behaves.
   *
   * @param dedupRetention how long event ids are remembered; older events (by stream time) are
   *     dropped as late
   * @param forecastAfter how much of a month must pass before its run-rate raises forecast alerts
   * @param emitInterval how often changed totals and budget statuses are published (wall-clock)
   * @param cachedTotals totals kept decoded in memory between commits before the cache is emptied
   * @param jsonMirrors whether results and usage are also copied, as JSON, to {@link
   *     Topics#resultsJson()} and {@link Topics#usageJson()}
   * @param maxBreakdownValues the most distinct users, templates or tags per team and month kept as
   *     rows of their own; the rest are counted as {@code (other)}
   * @param falseHits when a team's semantic mode is paused for its observed false hits
   */
  public record Options(
      Topics topics,
      Duration dedupRetention,
      Duration forecastAfter,
      Duration emitInterval,
      int cachedTotals,
      boolean jsonMirrors,
      int maxBreakdownValues,
      FalseHitPolicy falseHits) {

    /** The default of {@code maxBreakdownValues}. */
    public static final int MAX_BREAKDOWN_VALUES = 1_000;

    /** Options with the default bound on breakdown values and false-hit policy. */
    public Options(
        Topics topics,
        Duration dedupRetention,
        Duration forecastAfter,
        Duration emitInterval,
        int cachedTotals,
        boolean jsonMirrors) {
      this(
          topics,
          dedupRetention,
          forecastAfter,
          emitInterval,
          cachedTotals,
          jsonMirrors,
          MAX_BREAKDOWN_VALUES,
          FalseHitPolicy.DEFAULT);
    }

    /** Options without the JSON mirrors. */
    public Options(
        Topics topics,
        Duration dedupRetention,
        Duration forecastAfter,
        Duration emitInterval,
        int cachedTotals) {
      this(topics, dedupRetention, forecastAfter, emitInterval, cachedTotals, false);
    }

    /** These options with the JSON mirrors on or off. */
    public Options withJsonMirrors(boolean on) {
      return with(on, maxBreakdownValues, falseHits);
    }

    /** These options keeping at most {@code max} breakdown values per team and month. */
    public Options withMaxBreakdownValues(int max) {
      return with(jsonMirrors, max, falseHits);
    }

    /** These options pausing teams' semantic mode under {@code policy}. */
    public Options withFalseHits(FalseHitPolicy policy) {
      return with(jsonMirrors, maxBreakdownValues, policy);
    }

    /** These options with the three settings the withers above change. */
    private Options with(boolean mirrors, int maxValues, FalseHitPolicy policy) {
      return new Options(
          topics,
          dedupRetention,
          forecastAfter,
          emitInterval,
          cachedTotals,
          mirrors,
          maxValues,
          policy);
    }

    public static Options defaults(Topics topics) {
      return new Options(
          topics, Duration.ofDays(35), Duration.ofDays(1), Duration.ofSeconds(1), 50_000);
    }
  }

  private UsageTopology() {}

  /** The budget tracker over a task's budget, totals and alert stores. */
  static BudgetTracker budgetTracker(ProcessorContext<?, ?> context, Options options) {
    KeyValueStore<String, Budget> settings = context.getStateStore(BUDGETS_STORE);
    KeyValueStore<String, Totals> totals = context.getStateStore(TOTALS_STORE);
    KeyValueStore<String, Alert> raised = context.getStateStore(ALERTS_STORE);
    return new BudgetTracker(settings, totals, raised, new BudgetAlerts(options.forecastAfter()));
  }

  /** The false-hit watch over a task's store of shadow verifications. */
  static FalseHitWatch falseHitWatch(ProcessorContext<?, ?> context, Options options) {
    return new FalseHitWatch(context.getStateStore(FALSE_HITS_STORE), options.falseHits());
  }

  public static Topology build(Options options, UsageMetrics metrics) {
    Topics topics = options.topics();
    AvroSerde<UsageTotals> totals = AvroSerde.of(UsageTotals.class);
    AvroSerde<Budget> budgets = AvroSerde.of(Budget.class);
    AvroSerde<Alert> alerts = AvroSerde.of(Alert.class);
    Topology topology = new Topology();
    topology.addSource(
        USAGE_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), topics.usage());
    topology.addSource(
        BUDGETS_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), topics.budgets());
    topology.addProcessor(AGGREGATE, () -> new AggregateProcessor(options, metrics), USAGE_SOURCE);
    topology.addProcessor(
        SETTINGS, () -> new BudgetSettingsProcessor(options, metrics), BUDGETS_SOURCE);
    topology.addSource(
        PAUSES_SOURCE,
        new StringDeserializer(),
        new ByteArrayDeserializer(),
        topics.semanticPauses());
    topology.addProcessor(
        PAUSE_RESET, () -> new PauseResetProcessor(options, metrics), PAUSES_SOURCE);
    topology.addStateStore(persistent(FALSE_HITS_STORE, Serdes.String()), AGGREGATE, PAUSE_RESET);
    topology.addStateStore(
        cached(
            TOTALS_STORE,
            totals,
            new WriteBehindStore.Codec<>(Totals::toRecord, Totals::fromRecord),
            options),
        AGGREGATE,
        SETTINGS);
    // event ids and budgets are read for every event: kept in memory too, with misses remembered
    topology.addStateStore(cached(SEEN_STORE, Serdes.Long(), options), AGGREGATE);
    topology.addStateStore(cached(LABELS_STORE, Serdes.Long(), options), AGGREGATE);
    topology.addStateStore(cached(BUDGETS_STORE, budgets, options), AGGREGATE, SETTINGS);
    topology.addStateStore(persistent(ALERTS_STORE, alerts), AGGREGATE, SETTINGS);
    // every record within the producer's default max.request.size: under exactly-once one it
    // refused would stop the task
    int max = RecordSizeLimit.DEFAULT_MAX_RECORD_BYTES;
    topology.addSink(
        TO_TOTALS,
        topics.usageTotals(),
        new StringSerializer(),
        RecordSizeLimit.of(totals, max),
        AGGREGATE);
    topology.addSink(
        TO_ALERTS,
        topics.alerts(),
        new StringSerializer(),
        RecordSizeLimit.of(alerts, max),
        AGGREGATE,
        SETTINGS);
    topology.addSink(
        TO_STATUS,
        topics.budgetStatus(),
        new StringSerializer(),
        RecordSizeLimit.of(budgets, max),
        AGGREGATE,
        SETTINGS);
    topology.addSink(
        TO_SETTLEMENTS,
        topics.budgetSettlements(),
        new StringSerializer(),
        RecordSizeLimit.of(AvroSerde.of(BudgetSettlement.class), max),
        AGGREGATE);
    topology.addSink(
        TO_PAUSES,
        topics.semanticPauses(),
        new StringSerializer(),
        RecordSizeLimit.of(AvroSerde.of(SemanticPause.class), max),
        AGGREGATE);
    addGuardVerdicts(topology, options, metrics);
    if (options.jsonMirrors()) {
      addJsonMirrors(topology, topics, max);
    }
    topology.addSink(
        TO_DLQ,
        topics.deadLetters(),
        new StringSerializer(),
        RecordSizeLimit.of(AvroSerde.singleObject(DeadLetter.class), max),
        AGGREGATE,
        SETTINGS,
        PAUSE_RESET);
    // a sink of its own: one shared with the usage processors would join the results to their
    // sub-topology, whose stream time (the usage events' dedup horizon) results' producer-set
    // timestamps could then move
    topology.addSink(
        RESULTS_TO_DLQ,
        topics.deadLetters(),
        new StringSerializer(),
        RecordSizeLimit.of(AvroSerde.singleObject(DeadLetter.class), max),
        COUNT_VERDICTS);
    return topology;
  }

  /**
   * The results topic, whose guard verdicts are counted in a store of their own, with the requests
   * counted (by result id) to count each once. This processor also dead-letters undecodable
   * results, for the JSON mirror that reads the same records.
   */
  private static void addGuardVerdicts(Topology topology, Options options, UsageMetrics metrics) {
    topology.addSource(
        RESULTS_SOURCE,
        new StringDeserializer(),
        new ByteArrayDeserializer(),
        options.topics().results());
    topology.addProcessor(
        COUNT_VERDICTS, () -> new GuardVerdictProcessor(options, metrics), RESULTS_SOURCE);
    topology.addStateStore(persistent(GUARD_STORE, GuardCount.serde()), COUNT_VERDICTS);
    topology.addStateStore(persistent(GUARD_SEEN_STORE, Serdes.Long()), COUNT_VERDICTS);
  }

  /**
   * Results and usage copied as JSON, within the same exactly-once transactions as the totals: no
   * state, one record out for each record in.
   */
  private static void addJsonMirrors(Topology topology, Topics topics, int maxRecordBytes) {
    topology.addProcessor(MIRROR_RESULTS, () -> JsonMirror.results(), RESULTS_SOURCE);
    topology.addProcessor(MIRROR_USAGE, () -> JsonMirror.usage(), USAGE_SOURCE);
    topology.addSink(
        TO_RESULTS_JSON,
        topics.resultsJson(),
        new StringSerializer(),
        RecordSizeLimit.of(new StringSerializer(), maxRecordBytes),
        MIRROR_RESULTS);
    topology.addSink(
        TO_USAGE_JSON,
        topics.usageJson(),
        new StringSerializer(),
        RecordSizeLimit.of(new StringSerializer(), maxRecordBytes),
        MIRROR_USAGE);
  }

  /** A persistent (changelogged) store of {@code values} by string key. */
  private static <V> StoreBuilder<KeyValueStore<String, V>> persistent(
      String name, Serde<V> values) {
    return Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(name), Serdes.String(), values);
  }

  /**
   * A persistent store of {@code values} by string key, kept in memory too (misses remembered), up
   * to {@link Options#cachedTotals()} values.
   */
  private static <V> WriteBehindStoreBuilder<V, V> cached(
      String name, Serde<V> values, Options options) {
    return cached(name, values, new WriteBehindStore.Codec<>(v -> v, v -> v), options);
  }

  /**
   * A persistent store by string key whose values are stored as {@code stored} and kept decoded in
   * memory too, by {@code codec}.
   */
  private static <V, S> WriteBehindStoreBuilder<V, S> cached(
      String name, Serde<S> stored, WriteBehindStore.Codec<V, S> codec, Options options) {
    return new WriteBehindStoreBuilder<>(persistent(name, stored), codec, options.cachedTotals());
  }
}

package io.promptyard.usage;

import io.promptyard.schemas.Alert;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.BudgetSettlement;
import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.UsageTotals;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.usage.Period;
import io.promptyard.usage.budget.BudgetTracker;
import io.promptyard.usage.shadow.FalseHitWatch;
import io.promptyard.usage.totals.Breakdown;
import io.promptyard.usage.totals.LabelBound;
import io.promptyard.usage.totals.Totals;
import io.promptyard.usage.totals.TotalsKey;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds each new usage event to its nine totals (team, team × model, provider × model; hour, day,
 * month) and its team's day and month totals by user, template and tag, raises the budget alerts
 * the new month total calls for, counts shadow verifications of semantic cache hits into their
 * team's observed false-hit rate ({@link FalseHitWatch}, which may pause or resume the team's
 * semantic mode), and publishes changed totals and budget statuses once per emit interval. An event
 * already counted (same team and event id, see {@link SeenEvents}), or older than the dedup
 * retention, is skipped.
 */
final class AggregateProcessor extends DecodingProcessor<UsageEvent> {

  private static final Logger log = LoggerFactory.getLogger(AggregateProcessor.class);
  private static final String PURGE_INTERVAL = "PT1H";

  private final Set<String> changed = new LinkedHashSet<>();
  private final Map<String, Instant> statusDue = new LinkedHashMap<>();
  private static final int MAX_RECENT_KEYS = 10_000;
  private static final List<Period> BREAKDOWN_PERIODS = List.of(Period.DAY, Period.MONTH);
  private final Map<KeyParts, String[]> recentKeys = new HashMap<>();
  private KeyValueStore<String, Totals> totals;
  private SeenEvents seen;
  private LabelBound labels;
  private BudgetTracker budgets;
  private FalseHitWatch falseHits;
  private boolean warnedLate;

  AggregateProcessor(UsageTopology.Options options, UsageMetrics metrics) {
    super(UsageEvent.class, options, metrics);
  }

  @Override
  void open() {
    this.totals = context.getStateStore(UsageTopology.TOTALS_STORE);
    this.seen = new SeenEvents(context.getStateStore(UsageTopology.SEEN_STORE));
    this.labels =
        new LabelBound(
            context.getStateStore(UsageTopology.LABELS_STORE), options.maxBreakdownValues());
    this.budgets = UsageTopology.budgetTracker(context, options);
    this.falseHits = UsageTopology.falseHitWatch(context, options);
    context.schedule(options.emitInterval(), PunctuationType.WALL_CLOCK_TIME, now -> emit());
    context.schedule(
        java.time.Duration.parse(PURGE_INTERVAL),
        PunctuationType.WALL_CLOCK_TIME,
        now -> purgeSeen());
  }

  @Override
  public void process(Record<String, byte[]> record) {
    Optional<UsageEvent> decoded = decode(record);
    if (decoded.isEmpty()) {
      return;
    }
    UsageEvent e = decoded.get();
    if (seen.contains(e)) {
      metrics.duplicate();
      return;
    }
    long occurred = e.getOccurredAt().toEpochMilli();
    if (occurred < horizon()) {
      metrics.late();
      if (!warnedLate) {
        warnedLate = true;
        log.warn(
            "usage event {} of team {} occurred at {}, before the dedup retention ({}) and is not counted; "
                + "further late events are only counted in /metrics",
            ProducerText.escape(e.getEventId()),
            ProducerText.escape(e.getTeam()),
            e.getOccurredAt(),
            options.dedupRetention());
      }
      return;
    }
    seen.add(e);
    Instant at = e.getOccurredAt();
    String[] keys = keysOf(e);
    Period[] periods = Period.values();
    for (int i = 0; i < periods.length; i++) {
      Period p = periods[i];
      add(keys[3 * i], () -> Totals.team(e.getTeam(), p, at), e);
      add(
          keys[3 * i + 1],
          () -> Totals.teamModel(e.getTeam(), e.getProvider(), e.getModel(), p, at),
          e);
      add(keys[3 * i + 2], () -> Totals.providerModel(e.getProvider(), e.getModel(), p, at), e);
    }
    addBreakdowns(e);
    BudgetSettlement settled = budgets.settlement(e);
    if (settled != null) {
      context.forward(
          record.withKey(e.getTeam()).withValue((Object) settled), UsageTopology.TO_SETTLEMENTS);
    }
    for (Alert alert : budgets.raiseDue(e.getTeam(), at)) {
      raise(context, metrics, record.withKey(alert.getTeam()), alert);
    }
    if (e.getAnswersAgree() != null) {
      verified(record, e);
    }
    statusDue.merge(e.getTeam(), at, (a, b) -> a.isAfter(b) ? a : b);
    metrics.aggregated();
  }

  /**
   * Adds the event to its team's day and month totals under its user, its template and each of its
   * tags, values beyond the month's bound counted as {@link Breakdown#OTHER}.
   */
  private void addBreakdowns(UsageEvent e) {
    Instant at = e.getOccurredAt();
    String month = Period.MONTH.format(at);
    for (Breakdown b : Breakdown.values()) {
      for (String value : b.values(e)) {
        String kept = labels.admit(e.getTeam(), b, month, value);
        for (Period p : BREAKDOWN_PERIODS) {
          add(
              TotalsKey.breakdown(e.getTeam(), b, kept, p, p.format(at)),
              () -> Totals.breakdown(e.getTeam(), b, kept, p, at),
              e);
        }
      }
    }
  }

  /** Who and which hour: the event's nine totals keys depend on nothing else. */
  private record KeyParts(String team, String provider, String model, long hour) {}

  /**
   * The event's nine totals keys (team, team × model, provider × model for each period in {@link
   * Period} order), built once per team, model and hour: most events share them with many before.
   */
  private String[] keysOf(UsageEvent e) {
    long hour = Math.floorDiv(e.getOccurredAt().getEpochSecond(), 3600);
    KeyParts parts = new KeyParts(e.getTeam(), e.getProvider(), e.getModel(), hour);
    String[] keys = recentKeys.get(parts);
    if (keys == null) {
      if (recentKeys.size() >= MAX_RECENT_KEYS) {
        recentKeys.clear();
      }
      Instant at = e.getOccurredAt();
      Period[] periods = Period.values();
      keys = new String[3 * periods.length];
      for (int i = 0; i < periods.length; i++) {
        Period p = periods[i];
        String label = p.format(at);
        keys[3 * i] = TotalsKey.team(e.getTeam(), p, label);
        keys[3 * i + 1] = TotalsKey.teamModel(e.getTeam(), e.getProvider(), e.getModel(), p, label);
        keys[3 * i + 2] = TotalsKey.providerModel(e.getProvider(), e.getModel(), p, label);
      }
      recentKeys.put(parts, keys);
    }
    return keys;
  }

  private void add(String key, Supplier<Totals> empty, UsageEvent e) {
    Totals t = totals.get(key);
    if (t == null) {
      t = empty.get();
    }
    t.add(e);
    totals.put(key, t);
    changed.add(key);
  }

  /**
   * Counts a comparison of a semantic hit's answer with a fresh one into its team's false-hit rate,
   * and publishes the pause or resume it calls for, with its alert.
   */
  private void verified(Record<String, byte[]> record, UsageEvent e) {
    metrics.shadowVerification(e.getTeam(), e.getAnswersAgree());
    Optional<FalseHitWatch.Decision> decision =
        falseHits.sample(e.getTeam(), e.getAnswersAgree(), e.getOccurredAt());
    if (decision.isPresent()) {
      log.warn(
          "team {}: {}",
          ProducerText.escape(e.getTeam()),
          ProducerText.escape(decision.get().pause().getReason()));
      context.forward(
          record.withKey(e.getTeam()).withValue((Object) decision.get().pause()),
          UsageTopology.TO_PAUSES);
      decision.get().alert().ifPresent(a -> raise(context, metrics, record, a));
    }
  }

  /** Forwards an alert to the alerts topic and logs it. */
  static void raise(
      ProcessorContext<String, Object> context,
      UsageMetrics metrics,
      Record<String, ?> at,
      Alert alert) {
    log.warn(
        "alert {}: {}",
        ProducerText.escape(alert.getId()),
        ProducerText.escape(alert.getMessage()));
    metrics.alert(alert);
    context.forward(at.withKey(alert.getTeam()).withValue((Object) alert), UsageTopology.TO_ALERTS);
  }

  private long horizon() {
    long streamTime = context.currentStreamTimeMs();
    return streamTime <= 0 ? Long.MIN_VALUE : streamTime - options.dedupRetention().toMillis();
  }

  /** Publishes the totals and budget statuses changed since the last emission. */
  private void emit() {
    long now = System.currentTimeMillis();
    String partitionSuffix = "#" + context.taskId().partition();
    for (String key : changed) {
      Totals t = totals.get(key);
      if (t != null) {
        UsageTotals record = t.toRecord();
        // provider × model totals are partial, one per usage partition: the suffix keeps each one
        // under compaction
        String topicKey = key.startsWith(TotalsKey.PROVIDER_MODEL) ? key + partitionSuffix : key;
        context.forward(new Record<>(topicKey, (Object) record, now), UsageTopology.TO_TOTALS);
      }
    }
    changed.clear();
    for (Map.Entry<String, Instant> due : statusDue.entrySet()) {
      Budget status = budgets.status(due.getKey(), due.getValue());
      if (status != null) {
        context.forward(new Record<>(due.getKey(), (Object) status, now), UsageTopology.TO_STATUS);
      }
    }
    statusDue.clear();
  }

  /** Forgets events older than the dedup retention. */
  private void purgeSeen() {
    int forgotten = seen.forgetBefore(horizon());
    if (forgotten > 0) {
      log.info(
          "forgot {} usage event ids older than the dedup retention ({})",
          forgotten,
          options.dedupRetention());
    }
  }
}

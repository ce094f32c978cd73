package io.promptyard.usage.totals;

import io.promptyard.schemas.UsageEvent;
import io.promptyard.schemas.UsageTotals;
import io.promptyard.schemas.usage.Period;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Running totals of one key over one period, with a latency histogram that merges exactly. Mutable:
 * the stream thread adds events while query threads take snapshots, so every method holds the
 * object's lock (uncontended almost always). The encoded {@link UsageTotals} is cached until the
 * next change, since it is asked for twice per commit (store flush and topic emission).
 */
public final class Totals {

  /** Latencies above one hour are recorded as one hour. */
  static final long MAX_LATENCY_MILLIS = 3_600_000L;

  private static final int SIGNIFICANT_DIGITS = 2;

  private final Scope scope;
  private long requests;
  private long cacheHits;
  private long errors;
  private long inputTokens;
  private long outputTokens;
  private long cachedInputTokens;
  private long reasoningTokens;
  private long costMicros;
  private long savedCostMicros;
  private long shadowedHits;
  private long shadowDisagreements;
  private long shadowCostMicros;
  private final Map<String, Long> errorsByClass = new TreeMap<>();
  private final Histogram latency;
  private Instant updatedAt;
  private UsageTotals encoded;

  /**
   * What the totals are of: the key in its dimension, over one period, with the team, provider and
   * model it names (null where the dimension has none).
   */
  private record Scope(
      String dimension,
      String key,
      Period period,
      Instant periodStart,
      String team,
      String provider,
      String model) {

    static Scope of(UsageTotals r) {
      return new Scope(
          r.getDimension(),
          r.getKey(),
          Period.of(r.getPeriod()),
          r.getPeriodStart(),
          r.getTeam(),
          r.getProvider(),
          r.getModel());
    }

    /** A record of totals of this scope, to be given the figures. */
    UsageTotals.Builder newRecord() {
      return UsageTotals.newBuilder()
          .setDimension(dimension)
          .setKey(key)
          .setPeriod(period.label())
          .setPeriodStart(periodStart)
          .setTeam(team)
          .setProvider(provider)
          .setModel(model);
    }
  }

  private Totals(Scope scope, Histogram latency, Instant updatedAt) {
    this.scope = scope;
    this.latency = latency;
    this.updatedAt = updatedAt;
  }

  /** Empty totals of a team for the period containing {@code at}. */
  public static Totals team(String team, Period period, Instant at) {
    return empty(TotalsKey.TEAM, team, period, at, team, null, null);
  }

  /** Empty totals of a team's use of one model. */
  public static Totals teamModel(
      String team, String provider, String model, Period period, Instant at) {
    return empty(
        TotalsKey.TEAM_MODEL,
        team + "|" + provider + "/" + model,
        period,
        at,
        team,
        provider,
        model);
  }

  /** Empty totals of a team's requests with one value of a {@link Breakdown}. */
  public static Totals breakdown(
      String team, Breakdown dimension, String value, Period period, Instant at) {
    return empty(dimension.dimension(), team + "|" + value, period, at, team, null, null);
  }

  /** Empty totals of one provider's model (all teams). */
  public static Totals providerModel(String provider, String model, Period period, Instant at) {
    return empty(
        TotalsKey.PROVIDER_MODEL, provider + "/" + model, period, at, null, provider, model);
  }

  /** Empty totals of a scope, over the period containing {@code at}. */
  private static Totals empty(
      String dimension,
      String key,
      Period period,
      Instant at,
      String team,
      String provider,
      String model) {
    return new Totals(
        new Scope(dimension, key, period, period.start(at), team, provider, model),
        newHistogram(),
        at);
  }

  private static Histogram newHistogram() {
    return new Histogram(MAX_LATENCY_MILLIS, SIGNIFICANT_DIGITS);
  }

  /**
   * Adds one usage event: a successful call or cache hit counts as a request, a failed call as an
   * error of its class. A shadow call is no request: its cost and tokens count (its cost as a
   * shadow cost too). An event carrying a comparison of a semantic hit's answer with a fresh one
   * counts as a shadowed hit, and as a disagreement when the answers differed.
   */
  public synchronized void add(UsageEvent e) {
    encoded = null;
    if (e.getErrorCode() != null) {
      errors++;
      errorsByClass.merge(e.getErrorCode().name(), 1L, Long::sum);
    } else if (!e.getShadow()) {
      requests++;
    }
    if (e.getShadow()) {
      shadowCostMicros += e.getCostMicros();
    }
    if (e.getAnswersAgree() != null) {
      shadowedHits++;
      shadowDisagreements += e.getAnswersAgree() ? 0 : 1;
    }
    if (e.getCached()) {
      cacheHits++;
    } else {
      latency.recordValue(Math.max(0, Math.min(e.getLatencyMillis(), MAX_LATENCY_MILLIS)));
    }
    inputTokens += e.getUsage().getInputTokens();
    outputTokens += e.getUsage().getOutputTokens();
    cachedInputTokens += e.getUsage().getCachedInputTokens();
    reasoningTokens += e.getUsage().getReasoningTokens();
    costMicros += e.getCostMicros();
    savedCostMicros += e.getSavedCostMicros();
    if (e.getOccurredAt().isAfter(updatedAt)) {
      updatedAt = e.getOccurredAt();
    }
  }

  /** Adds another partial total of the same key (another partition's, another instance's). */
  public void merge(Totals other) {
    Totals o =
        other.copy(); // outside this lock: two merges in opposite directions must not deadlock
    synchronized (this) {
      mergeCopy(o);
    }
  }

  private void mergeCopy(Totals o) {
    encoded = null;
    requests += o.requests;
    cacheHits += o.cacheHits;
    errors += o.errors;
    inputTokens += o.inputTokens;
    outputTokens += o.outputTokens;
    cachedInputTokens += o.cachedInputTokens;
    reasoningTokens += o.reasoningTokens;
    costMicros += o.costMicros;
    savedCostMicros += o.savedCostMicros;
    shadowedHits += o.shadowedHits;
    shadowDisagreements += o.shadowDisagreements;
    shadowCostMicros += o.shadowCostMicros;
    o.errorsByClass.forEach((k, v) -> errorsByClass.merge(k, v, Long::sum));
    latency.add(o.latency);
    if (o.updatedAt.isAfter(updatedAt)) {
      updatedAt = o.updatedAt;
    }
  }

  public synchronized long costMicros() {
    return costMicros;
  }

  /** Input and output tokens, as a token quota counts them. */
  public synchronized long tokens() {
    return inputTokens + outputTokens;
  }

  /** An independent copy, for a query to read or merge without holding this lock. */
  public synchronized Totals copy() {
    return fromRecord(toRecord());
  }

  /** These totals as the record stored and published, latency histogram compressed. */
  public synchronized UsageTotals toRecord() {
    if (encoded == null) {
      boolean anyLatency = latency.getTotalCount() > 0;
      encoded =
          scope
              .newRecord()
              .setRequests(requests)
              .setCacheHits(cacheHits)
              .setErrors(errors)
              .setInputTokens(inputTokens)
              .setOutputTokens(outputTokens)
              .setCachedInputTokens(cachedInputTokens)
              .setReasoningTokens(reasoningTokens)
              .setCostMicros(costMicros)
              .setSavedCostMicros(savedCostMicros)
              .setShadowedHits(shadowedHits)
              .setShadowDisagreements(shadowDisagreements)
              .setShadowCostMicros(shadowCostMicros)
              .setErrorsByClass(new TreeMap<>(errorsByClass))
              .setLatencyHistogram(anyLatency ? encode(latency) : ByteBuffer.allocate(0))
              .setLatencyP50Millis(anyLatency ? latency.getValueAtPercentile(50) : 0)
              .setLatencyP95Millis(anyLatency ? latency.getValueAtPercentile(95) : 0)
              .setLatencyP99Millis(anyLatency ? latency.getValueAtPercentile(99) : 0)
              .setUpdatedAt(updatedAt)
              .build();
    }
    return encoded;
  }

  /** Totals read back from their record. */
  public static Totals fromRecord(UsageTotals r) {
    Totals t = new Totals(Scope.of(r), decode(r.getLatencyHistogram()), r.getUpdatedAt());
    t.requests = r.getRequests();
    t.cacheHits = r.getCacheHits();
    t.errors = r.getErrors();
    t.inputTokens = r.getInputTokens();
    t.outputTokens = r.getOutputTokens();
    t.cachedInputTokens = r.getCachedInputTokens();
    t.reasoningTokens = r.getReasoningTokens();
    t.costMicros = r.getCostMicros();
    t.savedCostMicros = r.getSavedCostMicros();
    t.shadowedHits = r.getShadowedHits();
    t.shadowDisagreements = r.getShadowDisagreements();
    t.shadowCostMicros = r.getShadowCostMicros();
    t.errorsByClass.putAll(r.getErrorsByClass());
    t.encoded = r;
    return t;
  }

  /** The latency histogram of a record; empty when it has none. */
  public static Histogram latencyOf(UsageTotals r) {
    return decode(r.getLatencyHistogram());
  }

  private static ByteBuffer encode(Histogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer);
    return ByteBuffer.wrap(buffer.array(), 0, length).slice();
  }

  private static Histogram decode(ByteBuffer bytes) {
    if (bytes == null || !bytes.hasRemaining()) {
      return newHistogram();
    }
    try {
      Histogram h = Histogram.decodeFromCompressedByteBuffer(bytes.duplicate(), MAX_LATENCY_MILLIS);
      Histogram sized = newHistogram();
      sized.add(h);
      return sized;
    } catch (DataFormatException e) {
      throw new IllegalArgumentException(
          "latency histogram is not HdrHistogram's compressed encoding: " + e.getMessage(), e);
    }
  }
}

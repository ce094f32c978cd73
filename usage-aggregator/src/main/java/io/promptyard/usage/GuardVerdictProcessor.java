package io.promptyard.usage;

import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DetectorVerdict;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.schemas.usage.Period;
import io.promptyard.usage.guard.GuardCount;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the guard verdicts that results carry ({@link CompletionResult#getGuard}): for each
 * detector that acted on a request, one request and its findings in the row of the request's team,
 * detector and action, for the UTC day and month the result completed in ({@link GuardCount}).
 *
 * <p>A request is counted once: its first result within the dedup retention, by team and request id
 * (the results topic is keyed by request id, so every result of a request meets the same task). A
 * request run again (a replayed dead letter) carries its first run's verdicts, which were counted
 * then. Results without verdicts (no guard ran, or it found nothing) change nothing. A verdict
 * whose detector or action is not one is counted in {@code /metrics} and logged once, never stored.
 * An undecodable result is dead-lettered.
 *
 * <p>The team is the result's: results are written only by the router (which settled the team, from
 * the team's own ingress topic where there is one) and the workers (which copy it from the routed
 * request), so it is trusted as the team of a usage event is.
 */
final class GuardVerdictProcessor extends DecodingProcessor<CompletionResult> {

  private static final Logger log = LoggerFactory.getLogger(GuardVerdictProcessor.class);
  private static final Duration PURGE_INTERVAL = Duration.ofHours(1);

  private KeyValueStore<String, GuardCount> counts;
  private KeyValueStore<String, Long> seen;
  private boolean warnedInvalid;
  private long newestCompleted = Long.MIN_VALUE;

  GuardVerdictProcessor(UsageTopology.Options options, UsageMetrics metrics) {
    super(CompletionResult.class, UsageTopology.RESULTS_TO_DLQ, options, metrics);
  }

  @Override
  void open() {
    this.counts = context.getStateStore(UsageTopology.GUARD_STORE);
    this.seen = context.getStateStore(UsageTopology.GUARD_SEEN_STORE);
    context.schedule(PURGE_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> purgeSeen());
  }

  @Override
  public void process(Record<String, byte[]> record) {
    Optional<CompletionResult> decoded = decode(record);
    if (decoded.isEmpty()) {
      return;
    }
    CompletionResult result = decoded.get();
    long completed = result.getCompletedAt().toEpochMilli();
    newestCompleted = Math.max(newestCompleted, completed);
    List<DetectorVerdict> verdicts = result.getGuard();
    if (verdicts == null || verdicts.isEmpty()) {
      return;
    }
    if (completed < horizon()) {
      metrics.guardResult("late");
      return;
    }
    String seenKey = SeenEvents.key(result.getTeam(), result.getId());
    if (seen.get(seenKey) != null) {
      metrics.guardResult("duplicate");
      return;
    }
    seen.put(seenKey, completed);
    Instant at = result.getCompletedAt();
    for (DetectorVerdict v : verdicts) {
      if (v.getCount() <= 0) {
        continue; // found nothing: not a request the detector acted on
      }
      String problem = GuardCount.problem(v.getDetector(), v.getAction());
      if (problem != null) {
        invalid(result, problem);
        continue;
      }
      for (Period p : GuardCount.PERIODS) {
        String key =
            GuardCount.key(p, p.format(at), result.getTeam(), v.getDetector(), v.getAction());
        GuardCount row = counts.get(key);
        if (row == null) {
          row = GuardCount.empty(p, p.format(at), result.getTeam(), v.getDetector(), v.getAction());
        }
        counts.put(key, row.plusRequest(v.getCount()));
      }
      metrics.guardVerdict(result.getTeam(), v.getDetector(), v.getAction());
    }
    metrics.guardResult("counted");
  }

  private void invalid(CompletionResult result, String problem) {
    metrics.guardVerdictInvalid();
    if (!warnedInvalid) {
      warnedInvalid = true;
      log.warn(
          "the guard verdict on request {} of team {} has {} and is not counted; further ones are"
              + " only counted in /metrics (promptyard_usage_guard_results_total, outcome invalid_verdict)",
          ProducerText.escape(result.getId()),
          ProducerText.escape(result.getTeam()),
          problem);
    }
  }

  /**
   * The completion time before which a result is late: the dedup retention before the newest
   * completion seen since this task started. Completion times are set by the router and the
   * workers; record timestamps are not used, since a REJECTED result keeps the timestamp its
   * producer gave the request.
   */
  private long horizon() {
    return newestCompleted == Long.MIN_VALUE
        ? Long.MIN_VALUE
        : newestCompleted - options.dedupRetention().toMillis();
  }

  /** Forgets the requests that completed before the dedup retention. */
  private void purgeSeen() {
    new SeenEvents(seen).forgetBefore(horizon());
  }
}

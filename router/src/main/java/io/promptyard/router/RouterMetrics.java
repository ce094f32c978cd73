package io.promptyard.router;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.promptyard.schemas.DetectorVerdict;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Priority;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The router's own counters: what became of each request record it read, why it rejected those it
 * rejected, and what the guard's detectors did. Thread-safe: every stream thread's route processor
 * records into the same counters.
 *
 * <p>Every label comes from a closed set (outcomes, lanes, {@link ErrorCode} names, the guard's
 * detector and action names), never from what a producer wrote. The counters are best effort, as
 * Kafka Streams' own: they count when the router processes a record, so a record processed again
 * after a crash (exactly-once undoes its output, not a counter) is counted twice.
 */
public final class RouterMetrics {

  /** The lane of a record that could not be read as a request. */
  static final String NO_LANE = "none";

  private static final String REQUESTS_DESCRIPTION =
      "request records the router processed, by outcome (routed, rejected, dead_lettered) and lane;"
          + " best effort: a record processed again after a crash counts again";

  private final MeterRegistry registry;
  private final Map<Priority, Counter> routed = new EnumMap<>(Priority.class);
  private final Map<Priority, Counter> rejected = new EnumMap<>(Priority.class);
  private final Counter deadLettered;

  private RouterMetrics(MeterRegistry registry) {
    this.registry = registry;
    // Shown from the start at 0 for every lane: a series that first appears at 1 has no rate() in
    // Prometheus, so the first routed or rejected requests would not count.
    for (Priority lane : Priority.values()) {
      routed.put(lane, requests("routed", lane(lane)));
      rejected.put(lane, requests("rejected", lane(lane)));
    }
    deadLettered = requests("dead_lettered", NO_LANE);
  }

  /** The router's counters, registered in {@code registry} (at 0 until something happens). */
  public static RouterMetrics of(MeterRegistry registry) {
    return new RouterMetrics(registry);
  }

  /** Counters that go nowhere: a composite registry with no registries behind it keeps nothing. */
  public static RouterMetrics noop() {
    return new RouterMetrics(new CompositeMeterRegistry());
  }

  /** A request was sent to a provider's route topic in {@code lane}. */
  public void routed(Priority lane) {
    routed.get(lane).increment();
  }

  /**
   * A request was answered REJECTED with {@code code}; {@code lane} is the one it asked for, null
   * when it could not be read far enough to say.
   */
  public void rejected(Priority lane, ErrorCode code) {
    if (lane == null) {
      requests("rejected", NO_LANE).increment();
    } else {
      rejected.get(lane).increment();
    }
    Counter.builder("promptyard.router.rejections")
        .description(
            "requests the router rejected, by error code; best effort: a record processed again"
                + " after a crash counts again")
        .tag("code", code.name())
        .register(registry)
        .increment();
  }

  /** A record that could not be read as a request was sent to the dead-letter topic. */
  public void deadLettered() {
    deadLettered.increment();
  }

  /**
   * The guard screened a request: each detector that found something counts once under the action
   * its policy took. Null (no guard ran) counts nothing.
   */
  public void guarded(List<DetectorVerdict> verdicts) {
    if (verdicts == null) {
      return;
    }
    for (DetectorVerdict v : verdicts) {
      if (v.getCount() == 0 && v.getScore() == 0) {
        continue;
      }
      Counter.builder("promptyard.router.guard.verdicts")
          .description(
              "requests on which a guard detector found something, by detector and the action its"
                  + " policy took (flag, redact, block); best effort: a record processed again"
                  + " after a crash counts again")
          .tag("detector", v.getDetector())
          .tag("action", v.getAction())
          .register(registry)
          .increment();
    }
  }

  private Counter requests(String outcome, String lane) {
    return Counter.builder("promptyard.router.requests")
        .description(REQUESTS_DESCRIPTION)
        .tag("outcome", outcome)
        .tag("lane", lane)
        .register(registry);
  }

  private static String lane(Priority lane) {
    return lane.name().toLowerCase(Locale.ROOT);
  }
}

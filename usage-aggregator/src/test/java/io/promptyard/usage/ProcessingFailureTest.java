package io.promptyard.usage;

import static io.promptyard.usage.UsageDriver.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.topics.Topics;
import io.promptyard.schemas.usage.Period;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An exception while the aggregator processes one usage event sets that event aside as a dead
 * letter naming the exception, and the aggregator goes on with the next; before, it ended the
 * stream thread. The failure is injected once, through the meter registry the topology counts into.
 */
class ProcessingFailureTest {

  private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");

  private final FailingOnce registry = new FailingOnce();
  private final UsageDriver d =
      new UsageDriver(
          UsageTopology.Options.defaults(Topics.defaults()), new UsageMetrics(registry));

  @AfterEach
  void tearDown() {
    d.close();
  }

  @Test
  void anEventWhoseProcessingThrowsIsDeadLetteredWithTheExceptionAndTheNextIsCounted() {
    d.send(event("r1:1", "t1", T, 1_000));
    d.send(event("r2:1", "t1", T.plusSeconds(60), 500));

    DeadLetter letter = d.dlq.readValue();
    assertThat(letter.getErrorCode()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(letter.getErrorMessage())
        .contains("processing failed in aggregate")
        .contains("java.lang.IllegalStateException: injected: the metrics backend is away");
    assertThat(letter.getOriginTopic()).isEqualTo(d.topics.usage());
    assertThat(StandardCharsets.UTF_8.decode(letter.getKey().duplicate()).toString())
        .isEqualTo("t1");
    assertThat(d.dlq.isEmpty()).isTrue();
    assertThat(d.metrics.aggregatedCount()).as("the next event is counted").isEqualTo(1);
    // the first event's totals were written before the counter threw: a replay of its letter is a
    // duplicate, skipped
    assertThat(d.team("t1", Period.DAY, T).getCostMicros()).isEqualTo(1_500);
  }

  /**
   * A meter registry whose counter of aggregated events throws the first time it is incremented.
   */
  private static final class FailingOnce extends SimpleMeterRegistry {
    private final AtomicBoolean armed = new AtomicBoolean(true);

    @Override
    protected Counter newCounter(Meter.Id id) {
      Counter real = super.newCounter(id);
      if (!"aggregated".equals(id.getTag("outcome"))) {
        return real;
      }
      return new Counter() {
        @Override
        public void increment(double amount) {
          if (armed.getAndSet(false)) {
            throw new IllegalStateException("injected: the metrics backend is away");
          }
          real.increment(amount);
        }

        @Override
        public double count() {
          return real.count();
        }

        @Override
        public Meter.Id getId() {
          return real.getId();
        }
      };
    }
  }
}

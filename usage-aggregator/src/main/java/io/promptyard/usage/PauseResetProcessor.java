package io.promptyard.usage;

import io.promptyard.schemas.SemanticPause;
import io.promptyard.schemas.ingress.ProducerText;
import io.promptyard.usage.shadow.FalseHitWatch;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the semantic-pauses topic back for an operator's reset ({@code promptyard cache resume}),
 * which clears the team's shadow samples, so that the pause it lifts is judged again on new samples
 * only. The aggregator's own decisions on the topic are already in its store and are skipped.
 */
final class PauseResetProcessor extends DecodingProcessor<SemanticPause> {

  private static final Logger log = LoggerFactory.getLogger(PauseResetProcessor.class);

  private FalseHitWatch watch;

  PauseResetProcessor(UsageTopology.Options options, UsageMetrics metrics) {
    super(SemanticPause.class, options, metrics);
  }

  @Override
  void open() {
    this.watch = UsageTopology.falseHitWatch(context, options);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.value() == null) {
      return;
    }
    Optional<SemanticPause> decoded = decode(record);
    if (decoded.isEmpty() || !FalseHitWatch.OPERATOR.equals(decoded.get().getDecidedBy())) {
      return;
    }
    watch.reset(decoded.get().getTeam());
    log.info(
        "semantic mode of team {} reset by an operator: its shadow samples start again",
        ProducerText.escape(decoded.get().getTeam()));
  }
}

package io.promptyard.dev;

import io.promptyard.client.batch.BatchInput;
import io.promptyard.client.batch.BatchSubmitter;
import io.promptyard.client.batch.ResultCollector;
import io.promptyard.schemas.CompletionResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;

/**
 * Submits a batch to a running stack, waits for one result per request and for the aggregator to
 * count them.
 */
public final class BatchRun {

  /**
   * What a batch produced.
   *
   * @param results the first result of each request id
   * @param fromResults per-team totals summed from the results
   * @param fromAggregator per-team totals as the aggregator holds them
   * @param semanticHits per team, the results answered by the semantic cache
   * @param savedMicros per team, what the cache hits saved, as the aggregator counts it
   */
  public record Report(
      Map<String, CompletionResult> results,
      Map<String, TeamTotals> fromResults,
      Map<String, TeamTotals> fromAggregator,
      Map<String, Long> semanticHits,
      Map<String, Long> savedMicros,
      Duration elapsed) {

    public boolean totalsMatch() {
      return fromResults.equals(fromAggregator);
    }
  }

  private BatchRun() {}

  /**
   * Runs a batch.
   *
   * @param submitted told how many requests the broker has taken
   * @param completed told how many results have arrived
   */
  public static Report run(
      DevStack stack,
      java.util.List<BatchInput.Line> lines,
      Duration timeout,
      IntConsumer submitted,
      IntConsumer completed)
      throws InterruptedException {
    Instant start = Instant.now();
    Set<String> ids = lines.stream().map(BatchInput.Line::requestId).collect(Collectors.toSet());
    try (ResultCollector collector =
            new ResultCollector(stack.bootstrapServers(), stack.topics().results());
        BatchSubmitter submitter =
            new BatchSubmitter(stack.bootstrapServers(), stack.topics().requestsJson())) {
      submitter.submit(lines, submitted);
      int[] seen = {0};
      Map<String, CompletionResult> results =
          collector.collect(
              r -> ids.contains(r.getId()), ids.size(), timeout, r -> completed.accept(++seen[0]));
      Map<String, TeamTotals> expected = TeamTotals.fromResults(results.values());
      Map<String, TeamTotals> aggregated = Map.of();
      Instant until = Instant.now().plusSeconds(30);
      while (Instant.now().isBefore(until)) {
        aggregated = aggregatedTotals(stack);
        if (aggregated.equals(expected)) {
          break;
        }
        Thread.sleep(100);
      }
      return new Report(
          results,
          expected,
          aggregated,
          TeamTotals.semanticHits(results.values()),
          savedMicros(stack),
          Duration.between(start, Instant.now()));
    }
  }

  private static Map<String, Long> savedMicros(DevStack stack) {
    try {
      return TeamTotals.savedMicros(stack.usage().teamDailyTotals());
    } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
      return Map.of();
    }
  }

  private static Map<String, TeamTotals> aggregatedTotals(DevStack stack) {
    try {
      return TeamTotals.fromAggregates(stack.usage().teamDailyTotals());
    } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
      return Map.of(); // the store is not queryable while the aggregator (re)starts
    }
  }
}

package io.promptyard.dev;

import io.promptyard.client.batch.BatchInput;
import io.promptyard.client.batch.BatchSubmitter;
import io.promptyard.client.batch.ResultCollector;
import io.promptyard.schemas.CompletionResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
   * @param fromShadowCalls per-team tokens and cost of the shadow calls that verified semantic
   *     cache hits: billed to the team, carried by no result
   * @param fromAggregator per-team totals as the aggregator holds them
   * @param semanticHits per team, the results answered by the semantic cache
   * @param shadowCalls per team, how many shadow calls there were
   * @param savedMicros per team, what the cache hits saved, as the aggregator counts it
   */
  public record Report(
      Map<String, CompletionResult> results,
      Map<String, TeamTotals> fromResults,
      Map<String, TeamTotals> fromShadowCalls,
      Map<String, TeamTotals> fromAggregator,
      Map<String, Long> semanticHits,
      Map<String, Long> shadowCalls,
      Map<String, Long> savedMicros,
      Duration elapsed) {

    /** Whether the aggregator counted exactly the results and the shadow calls. */
    public boolean totalsMatch() {
      return TeamTotals.sum(fromResults, fromShadowCalls).equals(fromAggregator);
    }
  }

  private BatchRun() {}

  /**
   * Runs a batch: its lines in file order, in rounds. A line in semantic mode ({@code
   * metadata.cache.mode: "semantic"}) starts a round of its own, submitted once every line before
   * it has its result, as a reworded question comes after its original's answer in real traffic:
   * requests in flight together cannot answer one another from the semantic cache.
   *
   * @param submitted told how many requests the broker has taken
   * @param completed told how many results have arrived
   */
  public static Report run(
      DevStack stack,
      List<BatchInput.Line> lines,
      Duration timeout,
      IntConsumer submitted,
      IntConsumer completed)
      throws InterruptedException {
    Instant start = Instant.now();
    Instant until = start.plus(timeout);
    try (ResultCollector collector =
            new ResultCollector(stack.bootstrapServers(), stack.topics().results());
        ShadowCalls shadowCalls =
            new ShadowCalls(stack.bootstrapServers(), stack.topics().usage());
        BatchSubmitter submitter =
            new BatchSubmitter(stack.bootstrapServers(), stack.topics().requestsJson())) {
      Map<String, CompletionResult> results = new LinkedHashMap<>();
      int[] seen = {0};
      for (List<BatchInput.Line> round : rounds(lines)) {
        int before = results.size();
        submitter.submit(round, n -> submitted.accept(before + n));
        Set<String> ids =
            round.stream().map(BatchInput.Line::requestId).collect(Collectors.toSet());
        Map<String, CompletionResult> arrived =
            collector.collect(
                r -> ids.contains(r.getId()),
                ids.size(),
                Duration.between(Instant.now(), until),
                r -> completed.accept(++seen[0]));
        results.putAll(arrived);
        if (arrived.size() < ids.size()) {
          break; // out of time: the report says how many arrived
        }
      }
      Map<String, TeamTotals> fromResults = TeamTotals.fromResults(results.values());
      Map<String, TeamTotals> fromShadowCalls = Map.of();
      Map<String, TeamTotals> aggregated = Map.of();
      // A shadow call may still be under way when its hit's result has arrived.
      Instant settled = Instant.now().plusSeconds(30);
      while (Instant.now().isBefore(settled)) {
        aggregated = aggregatedTotals(stack);
        fromShadowCalls = shadowCalls.poll(Duration.ofMillis(100));
        if (aggregated.equals(TeamTotals.sum(fromResults, fromShadowCalls))) {
          break;
        }
      }
      return new Report(
          results,
          fromResults,
          fromShadowCalls,
          aggregated,
          TeamTotals.semanticHits(results.values()),
          shadowCalls.calls(),
          savedMicros(stack),
          Duration.between(start, Instant.now()));
    }
  }

  /**
   * The lines in rounds: a new round starts at each line in semantic mode that has lines before it.
   */
  static List<List<BatchInput.Line>> rounds(List<BatchInput.Line> lines) {
    List<List<BatchInput.Line>> rounds = new ArrayList<>();
    List<BatchInput.Line> round = new ArrayList<>();
    for (BatchInput.Line line : lines) {
      String mode = line.ingressBody().path("metadata").path("cache").path("mode").asText("");
      if (mode.equalsIgnoreCase("semantic") && !round.isEmpty()) {
        rounds.add(round);
        round = new ArrayList<>();
      }
      round.add(line);
    }
    if (!round.isEmpty()) {
      rounds.add(round);
    }
    return rounds;
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

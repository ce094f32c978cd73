package io.promptyard.dev;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.client.batch.BatchInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchRunTest {

  @Test
  void aLineInSemanticModeWaitsForEveryLineBeforeIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("batch.jsonl");
    Files.write(
        file,
        List.of(
            line("a", ""),
            line("b", ""),
            line("c", ", \"metadata\": {\"cache\": {\"mode\": \"semantic\"}}"),
            line("d", ""),
            line("e", ", \"metadata\": {\"cache\": {\"mode\": \"SEMANTIC\"}}"),
            line("f", ", \"metadata\": {\"cache\": {\"mode\": \"bypass\"}}")));

    List<List<BatchInput.Line>> rounds = BatchRun.rounds(BatchInput.read(file, "b", "team-a"));

    assertThat(rounds)
        .extracting(r -> r.stream().map(BatchInput.Line::customId).toList())
        .containsExactly(List.of("a", "b"), List.of("c", "d"), List.of("e", "f"));
  }

  @Test
  void theExampleBatchAsksEachRewordedQuestionAfterItsOriginalWasAnswered() throws Exception {
    List<List<BatchInput.Line>> rounds =
        BatchRun.rounds(BatchInput.read(Path.of("../examples/batch.jsonl"), "b", null));

    Map<String, Integer> roundOf = new HashMap<>();
    for (int i = 0; i < rounds.size(); i++) {
      for (BatchInput.Line line : rounds.get(i)) {
        roundOf.put(line.customId(), i);
      }
    }
    for (String original : List.of("sem-01", "sem-02", "sem-03", "sem-04")) {
      assertThat(roundOf.get(original + "-reworded"))
          .as(original)
          .isGreaterThan(roundOf.get(original));
    }
  }

  @Test
  void theAggregatorsTotalsMatchWhenTheyHoldTheResultsAndTheShadowCallsBilledToTheTeam() {
    Map<String, TeamTotals> fromResults =
        Map.of(
            "search", new TeamTotals("search", 35, 16, 1320, 2761, 925),
            "support", new TeamTotals("support", 35, 17, 1346, 2841, 901));
    Map<String, TeamTotals> shadow =
        Map.of("support", new TeamTotals("support", 0, 0, 38, 102, 45));
    Map<String, TeamTotals> aggregated =
        Map.of(
            "search", new TeamTotals("search", 35, 16, 1320, 2761, 925),
            "support", new TeamTotals("support", 35, 17, 1384, 2943, 946));

    BatchRun.Report withShadow = report(fromResults, shadow, aggregated, Map.of("support", 1L));
    BatchRun.Report shadowMissed = report(fromResults, Map.of(), aggregated, Map.of());
    BatchRun.Report shadowNotCounted =
        report(fromResults, shadow, fromResults, Map.of("support", 1L));

    assertThat(withShadow.totalsMatch()).isTrue();
    assertThat(DevCommand.shadowCallsNote(withShadow))
        .isEqualTo(
            " plus 1 shadow call verifying semantic cache hits (support ×1, $0.000045: billed to the"
                + " team, carried by no result)");
    assertThat(shadowMissed.totalsMatch()).isFalse();
    assertThat(DevCommand.shadowCallsNote(shadowMissed)).isEmpty();
    assertThat(shadowNotCounted.totalsMatch()).isFalse();
  }

  private static BatchRun.Report report(
      Map<String, TeamTotals> fromResults,
      Map<String, TeamTotals> shadow,
      Map<String, TeamTotals> aggregated,
      Map<String, Long> shadowCalls) {
    return new BatchRun.Report(
        Map.of(), fromResults, shadow, aggregated, Map.of(), shadowCalls, Map.of(), Duration.ZERO);
  }

  private static String line(String customId, String more) {
    return "{\"custom_id\": \""
        + customId
        + "\", \"method\": \"POST\", \"url\": \"/v1/chat/completions\", \"body\": {\"model\":"
        + " \"cheap\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"
        + more
        + "}";
  }
}

package io.promptyard.dev;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.client.batch.BatchInput;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private static String line(String customId, String more) {
    return "{\"custom_id\": \""
        + customId
        + "\", \"method\": \"POST\", \"url\": \"/v1/chat/completions\", \"body\": {\"model\":"
        + " \"cheap\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"
        + more
        + "}";
  }
}

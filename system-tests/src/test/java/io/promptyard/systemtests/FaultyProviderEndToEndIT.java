package io.promptyard.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.client.batch.BatchInput;
import io.promptyard.dev.BatchRun;
import io.promptyard.dev.DevStack;
import io.promptyard.providers.HttpTimeouts;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.DeadLetter;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.testkit.kafka.TopicContents;
import io.promptyard.testkit.provider.FaultMix;
import io.promptyard.testkit.provider.SimulatorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Ten thousand jobs against a provider that fails a lot: 20% 500/503, 5% hangs longer than the
 * first-byte timeout, 2% 400s. Nothing is lost, nothing is answered twice, and only the 400s end as
 * dead letters.
 */
class FaultyProviderEndToEndIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int JOBS = 10_000;

  @Test
  void everyJobGetsExactlyOneTerminalResultAndOnlyInvalidRequestsAreDeadLettered()
      throws Exception {
    // The hangs (6 s) last well past the first-byte timeout (4 s), and that timeout leaves room
    // for answers held up by a starved CPU. With 500 ms, a loaded 2-core machine timed out most of
    // the first burst itself, the circuit opened, and jobs refused through three open periods ran
    // out of attempts (a test artifact, not a provider fault). With 2 s, a CI run beside two other
    // stacks ended a job otherwise than with a 400, its reason cut from the log: the assertion
    // below now names such jobs alone.
    SimulatorConfig faulty =
        SimulatorConfig.defaults()
            .withErrorRate(0.20)
            .withFaults(new FaultMix(0.02, 0.05, 6_000))
            .withSeed(11);
    HttpTimeouts impatient =
        new HttpTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(10));
    try (DevStack stack =
        DevStack.start(DevStack.Options.defaults().withSimulator(faulty).withTimeouts(impatient))) {
      List<BatchInput.Line> lines = new ArrayList<>(JOBS);
      for (int i = 0; i < JOBS; i++) {
        ObjectNode body = JSON.createObjectNode().put("model", "cheap").put("max_tokens", 32);
        body.putArray("messages")
            .addObject()
            .put("role", "user")
            .put("content", "Question " + i + " for the faulty provider");
        body.putObject("metadata")
            .put("team", "faults-" + (i % 4))
            .put("request_id", "f" + i)
            .put("custom_id", "f" + i);
        lines.add(new BatchInput.Line(i + 1, "f" + i, "f" + i, body));
      }

      BatchRun.Report report = BatchRun.run(stack, lines, Duration.ofMinutes(6), n -> {}, n -> {});

      assertThat(report.results()).hasSize(JOBS);
      Map<String, Integer> resultsPerId = countByKey(stack, stack.topics().results());
      assertThat(resultsPerId)
          .hasSize(JOBS)
          .allSatisfy((id, count) -> assertThat(count).as("results of %s", id).isEqualTo(1));
      Set<String> failed =
          report.results().values().stream()
              .filter(r -> r.getStatus() != ResultStatus.SUCCEEDED)
              .map(CompletionResult::getId)
              .collect(Collectors.toSet());
      assertThat(report.results().values())
          .filteredOn(r -> r.getStatus() != ResultStatus.SUCCEEDED)
          .filteredOn(
              r ->
                  r.getStatus() != ResultStatus.FAILED
                      || r.getError().getCode() != ErrorCode.INVALID_REQUEST)
          .extracting(FaultyProviderEndToEndIT::summary)
          .as("jobs that ended otherwise than with the simulator's 400")
          .isEmpty();
      assertThat(failed)
          .as("about 2% of the jobs meet a 400 before they succeed")
          .hasSizeBetween(JOBS / 100, JOBS / 25);
      List<DeadLetter> letters = deadLetters(stack);
      assertThat(letters)
          .extracting(DeadLetter::getRequestId)
          .containsExactlyInAnyOrderElementsOf(failed);
      assertThat(letters)
          .allSatisfy(
              l -> {
                assertThat(l.getErrorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
                assertThat(l.getErrorMessage()).contains("rejects this request on purpose");
              });
    }
  }

  private static String summary(CompletionResult r) {
    return r.getId()
        + " "
        + r.getStatus()
        + " after "
        + r.getAttempts()
        + " attempts in "
        + r.getLatencyMillis()
        + " ms: "
        + (r.getError() == null ? "" : r.getError().getCode() + " " + r.getError().getMessage());
  }

  private static Map<String, Integer> countByKey(DevStack stack, String topic) {
    Map<String, Integer> counts = new HashMap<>();
    TopicContents.readAllWithStringKeys(stack.bootstrapServers(), topic)
        .forEach(r -> counts.merge(r.key(), 1, Integer::sum));
    return counts;
  }

  private static List<DeadLetter> deadLetters(DevStack stack) {
    AvroSerde<DeadLetter> serde = AvroSerde.of(DeadLetter.class);
    return TopicContents.readAll(stack.bootstrapServers(), stack.topics().deadLetters()).stream()
        .map(r -> serde.decode(r.value()))
        .toList();
  }
}

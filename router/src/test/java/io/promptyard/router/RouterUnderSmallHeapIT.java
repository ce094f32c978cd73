package io.promptyard.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The hostile producer of issue 15: records of a few bytes whose Avro length fields claim 2^30 or
 * 2^31 items go to the dead-letter topic with the reason, in a router JVM of 256 MiB, and the next
 * request is routed. Before Avro's length limits were set, the first of them asked for a 4 GiB
 * array: OutOfMemoryError, the stream thread replaced, the same record read again, for ever.
 */
class RouterUnderSmallHeapIT {

  @Test
  void recordsClaimingBillionsOfItemsAreDeadLetteredUnderA256MiBHeapAndTheNextRequestIsRouted()
      throws Exception {
    List<String> outcomes = runWithSmallHeap(SmallHeapRouter.class);

    assertThat(outcomes)
        .filteredOn(o -> o.startsWith("dead letter UNDECODABLE"))
        .hasSize(4)
        .anySatisfy(
            o ->
                assertThat(o)
                    .contains("messages-2^30")
                    .contains("Collection length 1073741824 exceeds"))
        .anySatisfy(
            o -> assertThat(o).contains("id-2^30").contains("String length 1073741824 exceeds"))
        .anySatisfy(
            o -> assertThat(o).contains("id-2^31").contains("Cannot read strings longer than"))
        .anySatisfy(
            o ->
                assertThat(o)
                    .contains("tags-2^30")
                    .contains("Collection length 1073741824 exceeds"));
    assertThat(outcomes)
        .contains("routed valid-after-hostile")
        .noneMatch(o -> o.startsWith("result"));
  }

  /**
   * Runs {@code main} of a test class in a JVM of its own with a 256 MiB heap; its OUTCOME lines,
   * in order.
   */
  private static List<String> runWithSmallHeap(Class<?> main)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process =
        new ProcessBuilder(
                java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), main.getName())
            .redirectErrorStream(true)
            .start();
    List<String> outcomes = new ArrayList<>();
    StringBuilder everything = new StringBuilder();
    try (var lines = process.inputReader(StandardCharsets.UTF_8)) {
      lines
          .lines()
          .forEach(
              line -> {
                everything.append(line).append('\n');
                if (line.startsWith("OUTCOME ")) {
                  outcomes.add(line.substring("OUTCOME ".length()));
                }
              });
    }
    boolean ended = process.waitFor(2, TimeUnit.MINUTES);
    if (!ended) {
      process.destroyForcibly();
    }
    assertThat(ended && process.exitValue() == 0)
        .as("the 256 MiB router JVM ended cleanly; its output:%n%s", everything)
        .isTrue();
    return outcomes;
  }
}

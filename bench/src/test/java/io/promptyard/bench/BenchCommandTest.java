package io.promptyard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code promptyard bench} as the command line finds it on this module's class path. */
class BenchCommandTest {

  private final StringWriter out = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    return cli.execute(args);
  }

  @Test
  void benchIsACommandOfPromptyardWithHelpAndExamples() {
    assertThat(run("bench", "--help")).isZero();
    assertThat(out.toString()).contains("Examples:").contains("promptyard bench ");
  }

  @Test
  void listNamesEveryBenchmarkWithWhatItMeasures() {
    assertThat(run("bench", "list")).isZero();
    assertThat(out.toString().lines())
        .extracting(line -> line.split("\\s+")[0])
        .contains(
            "adapters",
            "aggregator",
            "cache-hit",
            "pipeline",
            "router",
            "vs-baselines",
            "worker-latency");
  }
}

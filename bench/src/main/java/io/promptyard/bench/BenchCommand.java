package io.promptyard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.cli.Subcommand;
import java.io.IOException;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code promptyard bench NAME}: runs a benchmark from {@code bench/} and prints its figures as
 * JSON on the last line.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Run a benchmark and print its figures as one JSON object on the last line.",
    subcommands = PipelineExternalBenchmark.class,
    footer = {
      "",
      "Examples:",
      "  promptyard bench pipeline",
      "  promptyard bench pipeline-external --simulator-latency-ms 2000",
      "  promptyard bench list"
    })
public final class BenchCommand implements Subcommand {

  @Spec CommandSpec spec;

  // Optional for picocli, which would otherwise demand it before `bench pipeline-external`, a
  // subcommand with options of its own.
  @Parameters(paramLabel = "NAME", arity = "0..1", description = "the benchmark to run, or 'list'")
  String name;

  @Override
  public Integer call() throws Exception {
    TreeMap<String, Benchmark> all = new TreeMap<>();
    ServiceLoader.load(Benchmark.class).forEach(b -> all.put(b.name(), b));
    var out = spec.commandLine().getOut();
    if (name == null) {
      throw new IllegalArgumentException(
          "name a benchmark to run, or 'list' to see them: " + String.join(", ", all.keySet()));
    }
    if ("list".equals(name)) {
      all.values().forEach(b -> out.printf("%-18s %s%n", b.name(), b.description()));
      out.flush();
      return 0;
    }
    Benchmark benchmark = all.get(name);
    if (benchmark == null) {
      throw new IllegalArgumentException(
          "no benchmark named '" + name + "'; available: " + String.join(", ", all.keySet()));
    }
    print(spec.commandLine(), benchmark.run(spec.commandLine().getErr()));
    return 0;
  }

  /** Prints {@code figures} as one JSON object on a line of {@code command}'s output. */
  static void print(CommandLine command, Map<String, Object> figures) throws IOException {
    var out = command.getOut();
    out.println(new ObjectMapper().writeValueAsString(figures));
    out.flush();
  }
}

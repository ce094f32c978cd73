package io.promptyard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.cli.Subcommand;
import java.util.ServiceLoader;
import java.util.TreeMap;
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
    footer = {"", "Examples:", "  promptyard bench pipeline", "  promptyard bench list"})
public final class BenchCommand implements Subcommand {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "the benchmark to run, or 'list'")
  String name;

  @Override
  public Integer call() throws Exception {
    TreeMap<String, Benchmark> all = new TreeMap<>();
    ServiceLoader.load(Benchmark.class).forEach(b -> all.put(b.name(), b));
    var out = spec.commandLine().getOut();
    if ("list".equals(name)) {
      all.values().forEach(b -> out.printf("%-12s %s%n", b.name(), b.description()));
      out.flush();
      return 0;
    }
    Benchmark benchmark = all.get(name);
    if (benchmark == null) {
      throw new IllegalArgumentException(
          "no benchmark named '" + name + "'; available: " + String.join(", ", all.keySet()));
    }
    var figures = benchmark.run(spec.commandLine().getErr());
    out.println(new ObjectMapper().writeValueAsString(figures));
    out.flush();
    return 0;
  }
}

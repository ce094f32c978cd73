package io.promptyard.bench;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link Benchmark} whose name and description are fixed when it is made; it measures, and this
 * class does what every benchmark's run does around that.
 */
abstract class NamedBenchmark implements Benchmark {

  private final String name;
  private final String description;

  NamedBenchmark(String name, String description) {
    this.name = name;
    this.description = description;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final String description() {
    return description;
  }

  /**
   * Measures with figures that start with this benchmark's name, as every JSON line does, and a log
   * flushed at each line, so that progress shows while the benchmark runs.
   */
  @Override
  public final Map<String, Object> run(PrintWriter log) throws Exception {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("benchmark", name);
    measure(figures, new PrintWriter(log, true));
    return figures;
  }

  /**
   * Runs the benchmark, printing progress to {@code log}.
   *
   * @param figures where the figures go, in the order the JSON line is to show them
   */
  abstract void measure(Map<String, Object> figures, PrintWriter log) throws Exception;
}

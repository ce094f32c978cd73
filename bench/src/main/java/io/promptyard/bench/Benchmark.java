package io.promptyard.bench;

import java.io.PrintWriter;
import java.util.Map;

/**
 * A benchmark that {@code promptyard bench NAME} can run; implementations live in this module and
 * are found with {@link java.util.ServiceLoader}.
 */
public interface Benchmark {

  /** The name on the command line, e.g. {@code pipeline}. */
  String name();

  /** One line saying what it measures. */
  String description();

  /**
   * Runs the benchmark, printing progress to {@code log}.
   *
   * @return the figures, printed as one JSON object on the last line
   */
  Map<String, Object> run(PrintWriter log) throws Exception;
}

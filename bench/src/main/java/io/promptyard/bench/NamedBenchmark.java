package io.promptyard.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** A {@link Benchmark} whose name and description are fixed when it is made. */
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

  /** An empty set of figures but for this benchmark's name, which every JSON line starts with. */
  final Map<String, Object> figures() {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("benchmark", name);
    return figures;
  }
}

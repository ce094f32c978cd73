package io.promptyard.bench;

import java.io.PrintWriter;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * JMH microbenchmarks of each adapter's wire codec: mapping a chat request to the provider's JSON,
 * and parsing the provider's streamed answer. The JMH classes are the {@code *CodecBench} classes
 * of {@code io.promptyard.bench.codec}; they reach each codec through the adapter's public {@code
 * wire}.
 */
public final class AdapterCodecBenchmark extends NamedBenchmark {

  public AdapterCodecBenchmark() {
    super("adapters", "JMH: request mapping and stream parsing per provider adapter (ops/ms)");
  }

  @Override
  void measure(Map<String, Object> figures, PrintWriter log) throws Exception {
    // JMH prints its progress on standard output, where only the figures may go; it is sent to a
    // file.
    java.nio.file.Path jmhLog = java.nio.file.Files.createTempFile("promptyard-jmh-", ".log");
    log.println("JMH progress: " + jmhLog);
    Options options =
        new OptionsBuilder()
            .output(jmhLog.toString())
            .include(".*CodecBench.*")
            .forks(1)
            .warmupIterations(3)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(5)
            .measurementTime(TimeValue.seconds(1))
            .shouldFailOnError(true)
            .build();
    figures.put("unit", "ops/ms");
    java.util.Collection<RunResult> results;
    try {
      results = new Runner(options).run();
    } catch (org.openjdk.jmh.runner.RunnerException e) {
      throw new IllegalStateException(e.getMessage() + "; see " + jmhLog, e);
    }
    for (RunResult r : results) {
      // io.promptyard.bench.codec.OpenAiCodecBench.mapRequest is labelled
      // openai.OpenAiCodecBench.mapRequest
      String benchmark =
          r.getParams().getBenchmark().replaceFirst("^io\\.promptyard\\.bench\\.codec\\.", "");
      String label =
          benchmark.substring(0, benchmark.indexOf("CodecBench")).toLowerCase(java.util.Locale.ROOT)
              + "."
              + benchmark;
      figures.put(label, Figures.round(r.getPrimaryResult().getScore(), 1));
      figures.put(label + ".error", Figures.round(r.getPrimaryResult().getScoreError(), 1));
    }
  }
}

package io.promptyard.bench;

import io.promptyard.client.batch.BatchInput;
import io.promptyard.client.batch.BatchSubmitter;
import io.promptyard.client.batch.ResultCollector;
import io.promptyard.dev.DevStack;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.testkit.provider.LatencyDistribution;
import io.promptyard.testkit.provider.SimulatorConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whole-pipeline throughput and latency: a burst of distinct requests is published to the JSON
 * ingress topic of a {@link DevStack} and timed until each one's result arrives on the results
 * topic, with the simulated provider answering at 0 ms and at 500 ms.
 */
public final class PipelineBenchmark extends NamedBenchmark {

  private final int requests = Integer.getInteger("promptyard.bench.requests", 2000);
  private final List<Long> latencies = List.of(0L, 500L);

  public PipelineBenchmark() {
    super(
        "pipeline",
        "jobs/s and p50/p99 submit-to-result latency through broker, router, worker and simulated provider");
  }

  @Override
  void measure(Map<String, Object> figures, PrintWriter log) throws Exception {
    figures.put("requests_per_run", requests);
    figures.put("cores", Runtime.getRuntime().availableProcessors());
    for (long latency : latencies) {
      log.printf("pipeline: simulated provider latency %d ms, %d requests…%n", latency, requests);
      SimulatorConfig sim =
          SimulatorConfig.defaults()
              .withLatency(
                  latency == 0 ? LatencyDistribution.none() : LatencyDistribution.fixed(latency));
      try (DevStack stack = DevStack.start(DevStack.Options.defaults().withSimulator(sim))) {
        burst(stack, "warmup-" + latency, 200);
        Map<String, Object> run = burst(stack, "run-" + latency, requests);
        run.forEach((k, v) -> figures.put("latency_" + latency + "ms_" + k, v));
        log.printf("  %s%n", run);
      }
    }
  }

  private Map<String, Object> burst(DevStack stack, String batch, int count) throws Exception {
    List<BatchInput.Line> lines = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      lines.add(
          new BatchInput.Line(
              i + 1, BenchRequests.id(batch, i), "q" + i, BenchRequests.body(batch, i, null)));
    }
    Set<String> ids = lines.stream().map(BatchInput.Line::requestId).collect(Collectors.toSet());
    Latencies latency = new Latencies();
    int[] succeeded = {0};
    try (ResultCollector collector =
            new ResultCollector(stack.bootstrapServers(), stack.topics().results());
        BatchSubmitter submitter =
            new BatchSubmitter(stack.bootstrapServers(), stack.topics().requestsJson())) {
      long start = System.nanoTime();
      submitter.submit(lines, n -> {});
      long[] last = {start};
      Map<String, CompletionResult> results =
          collector.collect(
              r -> ids.contains(r.getId()),
              count,
              Duration.ofMinutes(5),
              r -> {
                long now = System.nanoTime();
                last[0] = now;
                latency.record((now - start) / 1_000_000);
                if (r.getStatus() == ResultStatus.SUCCEEDED) {
                  succeeded[0]++;
                }
              });
      double seconds = (last[0] - start) / 1e9;
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("results", results.size());
      m.put("succeeded", succeeded[0]);
      m.put("jobs_per_second", Math.round(results.size() / seconds));
      latency.putPercentiles(m);
      m.put("max_ms", latency.maxMillis());
      return m;
    }
  }
}

package io.promptyard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.client.batch.BatchInput;
import io.promptyard.client.batch.BatchSubmitter;
import io.promptyard.client.batch.ResultCollector;
import io.promptyard.dev.DevStack;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.testkit.provider.SimulatedProvider;
import io.promptyard.testkit.provider.SimulatorConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * One job set through three contenders against the same rate-limited simulated provider (a fresh
 * one each, its bucket full): Promptyard (router and worker of a {@link DevStack}, the limit in its
 * catalog), a plain Kafka consumer calling the provider one record at a time, and LangChain4j's
 * OpenAI client on virtual threads with resilience4j retry. Makespan, successes and the 429s the
 * provider sent, for each.
 */
public final class VsBaselinesBenchmark extends NamedBenchmark {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String MODEL = "sim-mini";
  static final int MAX_TOKENS = 64;

  private final int jobs = Integer.getInteger("promptyard.bench.jobs", 450);
  private final int rpm = Integer.getInteger("promptyard.bench.rpm", 300);
  private final long latencyMs = Long.getLong("promptyard.bench.latencyMs", 200);

  public VsBaselinesBenchmark() {
    super(
        "vs-baselines",
        "one rate-limited job set through Promptyard, a plain Kafka consumer and LangChain4j + resilience4j: makespan, 429s");
  }

  @Override
  void measure(Map<String, Object> f, PrintWriter log) throws Exception {
    SimulatorConfig sim =
        SimulatorConfig.answeringAfter(latencyMs)
            .withRequestsPerMinute(rpm)
            .withTokensPerMinute(100_000_000);
    List<String> prompts = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      prompts.add("Comparison question #" + i + ": what is " + i + " squared?");
    }
    // The provider's bucket holds a minute of requests and refills at the per-minute rate.
    double minimum = Math.max(0, jobs - rpm) * 60.0 / rpm;
    f.put("jobs", jobs);
    f.put("limit_rpm", rpm);
    f.put("provider_latency_ms", latencyMs);
    f.put("minimum_makespan_s", Figures.round(minimum, 3));
    f.put("cores", Runtime.getRuntime().availableProcessors());

    log.printf(
        "vs-baselines: %d jobs, provider limited to %d requests/min, latency %d ms (limit's minimum makespan %.1f s)%n",
        jobs, rpm, latencyMs, minimum);
    log.printf("  (a) Promptyard…%n");
    Run promptyard = promptyard(sim, prompts, log);
    log.printf("      %s%n  (b) plain Kafka consumer, one record at a time…%n", promptyard);
    Run plain;
    try (SimulatedProvider provider = SimulatedProvider.start(sim)) {
      plain = PlainConsumerBaseline.run(provider, prompts);
    }
    log.printf(
        "      %s%n  (c) LangChain4j OpenAI client on virtual threads, resilience4j retry…%n",
        plain);
    Run langchain4j;
    try (SimulatedProvider provider = SimulatedProvider.start(sim)) {
      langchain4j = LangChain4jBaseline.run(provider, prompts);
    }
    log.printf("      %s%n", langchain4j);

    promptyard.into(f, "promptyard");
    plain.into(f, "plain_consumer");
    langchain4j.into(f, "langchain4j_resilience4j");
    f.put(
        "promptyard_vs_plain_consumer",
        Figures.round(promptyard.makespanS() / plain.makespanS(), 3));
    f.put(
        "promptyard_vs_langchain4j_resilience4j",
        Figures.round(promptyard.makespanS() / langchain4j.makespanS(), 3));
    f.put("promptyard_limit_used", Figures.round(minimum / promptyard.makespanS(), 3));
  }

  private Run promptyard(SimulatorConfig sim, List<String> prompts, PrintWriter log)
      throws Exception {
    ModelCatalog bundled = ModelCatalog.bundled();
    ProviderSpec spec = bundled.provider("sim").orElseThrow();
    Map<String, String> options = new LinkedHashMap<>(spec.options());
    options.put("requestsPerMinute", Integer.toString(rpm));
    ProviderSpec limited =
        new ProviderSpec(
            spec.name(),
            spec.type(),
            spec.baseUrl(),
            spec.apiKeyEnv(),
            spec.apiKeyFile(),
            spec.keyRequired(),
            options);
    ModelCatalog catalog =
        new ModelCatalog(
            List.of(limited),
            bundled.models().stream().filter(m -> m.provider().equals("sim")).toList());
    try (DevStack stack =
        DevStack.start(
            DevStack.Options.defaults()
                .withSimulator(sim)
                .withSimulatedProviders(catalog, List.of("sim")))) {
      List<BatchInput.Line> lines = new ArrayList<>();
      for (int i = 0; i < prompts.size(); i++) {
        ObjectNode body = requestBody(prompts.get(i));
        String id = "vs-baselines:" + i;
        body.putObject("metadata").put("team", "bench").put("request_id", id);
        lines.add(new BatchInput.Line(i + 1, id, "q" + i, body));
      }
      Set<String> ids = lines.stream().map(BatchInput.Line::requestId).collect(Collectors.toSet());
      AtomicInteger ok = new AtomicInteger();
      try (ResultCollector collector =
              new ResultCollector(stack.bootstrapServers(), stack.topics().results());
          BatchSubmitter submitter =
              new BatchSubmitter(stack.bootstrapServers(), stack.topics().requestsJson())) {
        // One job through first, so that the clock starts on a stack whose consumers have their
        // assignments (as a running deployment's do); its call's token is back in the provider's
        // bucket a fifth of a second later.
        ObjectNode warmBody = requestBody("warm-up");
        warmBody
            .putObject("metadata")
            .put("team", "bench")
            .put("request_id", "vs-baselines:warm-up");
        long warmStart = System.nanoTime();
        submitter.submit(
            List.of(new BatchInput.Line(0, "vs-baselines:warm-up", "warm-up", warmBody)), n -> {});
        collector.collect(
            r -> r.getId().equals("vs-baselines:warm-up"), 1, Duration.ofMinutes(2), r -> {});
        log.printf(
            "      warm-up job answered after %.1f s%n", (System.nanoTime() - warmStart) / 1e9);
        Thread.sleep(1_000);
        long callsBefore = stack.simulator().orElseThrow().requestsServed();
        long start = System.nanoTime();
        long[] last = {start};
        submitter.submit(lines, n -> {});
        int[] perFiveSeconds = new int[240];
        var results =
            collector.collect(
                r -> ids.contains(r.getId()),
                lines.size(),
                Duration.ofMinutes(10),
                r -> {
                  last[0] = System.nanoTime();
                  perFiveSeconds[
                      (int)
                          Math.min(
                              perFiveSeconds.length - 1, (last[0] - start) / 5_000_000_000L)]++;
                  if (r.getStatus() == ResultStatus.SUCCEEDED) {
                    ok.incrementAndGet();
                  }
                });
        StringBuilder timeline = new StringBuilder();
        for (int i = 0; i <= (last[0] - start) / 5_000_000_000L && i < perFiveSeconds.length; i++) {
          timeline.append(' ').append(perFiveSeconds[i]);
        }
        log.printf("      results per 5 s:%s%n", timeline);
        SimulatedProvider provider = stack.simulator().orElseThrow();
        return new Run(
            (last[0] - start) / 1e9,
            results.size(),
            ok.get(),
            provider.requestsServed() - callsBefore,
            provider.rateLimitedResponses());
      }
    }
  }

  /** The OpenAI chat-completions body every contender sends for a prompt. */
  static ObjectNode requestBody(String prompt) {
    ObjectNode body = JSON.createObjectNode().put("model", MODEL).put("max_tokens", MAX_TOKENS);
    body.putArray("messages").addObject().put("role", "user").put("content", prompt);
    return body;
  }

  /**
   * What one contender did.
   *
   * @param finished jobs that ended (answered or given up)
   * @param calls HTTP requests the provider received
   * @param http429 of those, answered 429
   */
  record Run(double makespanS, int finished, int succeeded, long calls, long http429) {
    void into(Map<String, Object> f, String prefix) {
      f.put(prefix + "_makespan_s", Figures.round(makespanS, 3));
      f.put(prefix + "_succeeded", succeeded);
      f.put(prefix + "_failed", finished - succeeded);
      f.put(prefix + "_calls", calls);
      f.put(prefix + "_429", http429);
    }

    @Override
    public String toString() {
      return String.format(
          "makespan %.1f s, %d of %d succeeded, %d calls, %d answered 429",
          makespanS, succeeded, finished, calls, http429);
    }
  }
}

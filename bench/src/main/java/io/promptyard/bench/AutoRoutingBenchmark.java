package io.promptyard.bench;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.router.eval.AutoRoutingEvaluation;
import io.promptyard.router.routing.AutoRouting;
import io.promptyard.router.routing.ComplexityEstimator;
import io.promptyard.schemas.CompletionRequest;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;

/**
 * The {@code auto} alias on the labelled prompts shipped with the router and on the holdout written
 * after its weights: agreement with the labels, the confusion counts and the cost against always
 * {@code smart} in the bundled catalog (each prompt's estimated input tokens plus {@value
 * AutoRoutingEvaluation#OUTPUT_TOKENS} output tokens), the agreement at each threshold, and the
 * complexity estimator's CPU time and allocation per request.
 */
public final class AutoRoutingBenchmark extends NamedBenchmark {

  private static final double THRESHOLD =
      Double.parseDouble(
          System.getProperty(
              "promptyard.bench.auto.threshold", Double.toString(AutoRouting.DEFAULT_THRESHOLD)));
  private static final int ESTIMATES =
      Integer.getInteger("promptyard.bench.auto.estimates", 50_000);

  public AutoRoutingBenchmark() {
    super(
        "auto-routing",
        "the auto alias against hand labels: agreement, confusion, cost saved vs always-smart,"
            + " estimator CPU per request");
  }

  @Override
  void measure(Map<String, Object> figures, PrintWriter log) throws Exception {
    ModelCatalog catalog = ModelCatalog.bundled();
    figures.put("threshold", THRESHOLD);
    figures.put("output_tokens_assumed", AutoRoutingEvaluation.OUTPUT_TOKENS);
    for (String set : List.of(AutoRoutingEvaluation.LABELLED, AutoRoutingEvaluation.HOLDOUT)) {
      AutoRoutingEvaluation.Report r = AutoRoutingEvaluation.run(set, catalog, THRESHOLD);
      String label = set.equals(AutoRoutingEvaluation.LABELLED) ? "labelled" : "holdout";
      log.printf(
          "%s: %d prompts, agreement %.3f (smart as smart %d, smart as cheap %d, cheap as cheap %d,"
              + " cheap as smart %d); cost $%.4f auto, $%.4f always smart, $%.4f by the labels:"
              + " %.1f%% saved%n  wrong: %s%n",
          label,
          r.cases(),
          r.agreement(),
          r.smartAsSmart(),
          r.smartAsCheap(),
          r.cheapAsCheap(),
          r.cheapAsSmart(),
          r.autoMicros() / 1e6,
          r.smartMicros() / 1e6,
          r.labelledMicros() / 1e6,
          100 * r.savedShare(),
          String.join(", ", r.mistakes()));
      figures.put(label + ".prompts", r.cases());
      figures.put(label + ".agreement", Figures.round(r.agreement(), 3));
      figures.put(label + ".smart_as_smart", r.smartAsSmart());
      figures.put(label + ".smart_as_cheap", r.smartAsCheap());
      figures.put(label + ".cheap_as_cheap", r.cheapAsCheap());
      figures.put(label + ".cheap_as_smart", r.cheapAsSmart());
      figures.put(label + ".auto_micros", r.autoMicros());
      figures.put(label + ".always_smart_micros", r.smartMicros());
      figures.put(label + ".by_labels_micros", r.labelledMicros());
      figures.put(label + ".saved_vs_smart", Figures.round(r.savedShare(), 3));
      r.agreementByThreshold()
          .forEach((t, a) -> figures.put(label + ".agreement_at_" + t, Figures.round(a, 3)));
    }
    estimatorCost(AutoRoutingEvaluation.requests(AutoRoutingEvaluation.LABELLED), figures, log);
  }

  /** CPU time and allocation of one estimate, on this thread, over the labelled prompts. */
  private static void estimatorCost(
      List<CompletionRequest> requests, Map<String, Object> figures, PrintWriter log) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().threadId();
    double sink = 0;
    for (int i = 0; i < ESTIMATES / 5; i++) {
      sink += ComplexityEstimator.estimate(requests.get(i % requests.size())).score();
    }
    long cpu = threads.getCurrentThreadCpuTime();
    long allocated = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < ESTIMATES; i++) {
      sink += ComplexityEstimator.estimate(requests.get(i % requests.size())).score();
    }
    double cpuMicros = (threads.getCurrentThreadCpuTime() - cpu) / 1000.0 / ESTIMATES;
    long bytes = (threads.getThreadAllocatedBytes(id) - allocated) / ESTIMATES;
    log.printf(
        "estimator: %.1f µs CPU, %d bytes allocated per request (score sum %.0f)%n",
        cpuMicros, bytes, sink);
    figures.put("estimator.cpu_us_per_request", Figures.round(cpuMicros, 1));
    figures.put("estimator.bytes_per_request", bytes);
    figures.put(
        "estimator.chars_per_request",
        requests.stream()
                .flatMap(r -> r.getMessages().stream())
                .mapToInt(m -> m.getText() == null ? 0 : m.getText().length())
                .sum()
            / requests.size());
    figures.put("load_average_1m", Figures.round(Figures.loadAverage(), 2));
  }
}

package io.promptyard.router.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.Usage;
import io.promptyard.router.routing.AutoRouting;
import io.promptyard.router.routing.ComplexityEstimator;
import io.promptyard.router.routing.RoutingDefaults;
import io.promptyard.router.routing.RoutingOutcome;
import io.promptyard.router.routing.RoutingPolicy;
import io.promptyard.router.validation.RequestValidator;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.RoutingStrategy;
import io.promptyard.schemas.ingress.JsonIngress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How often the {@code auto} alias picks the tier a person would, on the labelled prompts shipped
 * with the router ({@code eval/auto-routing.jsonl}: each line an id, a label {@code cheap} or
 * {@code smart}, and a JSON ingress body), and what it costs against always asking for {@code
 * smart}. Costs are those of the models the router picks in the given catalog (cheapest strategy),
 * for each prompt's estimated input tokens plus {@value #OUTPUT_TOKENS} output tokens.
 */
public final class AutoRoutingEvaluation {

  /** The set the estimator's weights were checked on. */
  public static final String LABELLED = "auto-routing.jsonl";

  /** Prompts written after the weights and the default threshold were set, and never tuned on. */
  public static final String HOLDOUT = "auto-routing-holdout.jsonl";

  /** The output assumed for every prompt's cost, whatever it asks for. */
  public static final int OUTPUT_TOKENS = 500;

  private static final ObjectMapper JSON = new ObjectMapper();

  private AutoRoutingEvaluation() {}

  /**
   * The figures for one set at one threshold.
   *
   * @param cases prompts in the set
   * @param smartAsSmart labelled smart, routed smart (and so on for the other three counts)
   * @param mistakes the ids routed against their label, with their score
   * @param autoMicros what the prompts cost routed by {@code auto}
   * @param smartMicros what they cost all sent to {@code smart}
   * @param labelledMicros what they cost each sent to the tier of its label
   * @param agreementByThreshold the agreement at each threshold from 0 to 1 in steps of 0.05
   */
  public record Report(
      int cases,
      double threshold,
      int smartAsSmart,
      int smartAsCheap,
      int cheapAsCheap,
      int cheapAsSmart,
      List<String> mistakes,
      long autoMicros,
      long smartMicros,
      long labelledMicros,
      Map<Double, Double> agreementByThreshold) {

    /** The share of prompts routed to the tier of their label. */
    public double agreement() {
      return cases == 0 ? 1.0 : (double) (smartAsSmart + cheapAsCheap) / cases;
    }

    /** The share of the always-smart cost that {@code auto} saves. */
    public double savedShare() {
      return smartMicros == 0 ? 0 : 1.0 - (double) autoMicros / smartMicros;
    }
  }

  /** Evaluates {@code set} ({@link #LABELLED} or {@link #HOLDOUT}) on {@code catalog}. */
  public static Report run(String set, ModelCatalog catalog, double threshold) throws IOException {
    List<Case> cases = read(set);
    RoutingPolicy policy =
        new RoutingPolicy(
            catalog,
            RequestValidator.defaults(),
            new RoutingDefaults(
                RoutingStrategy.CHEAPEST,
                Map.of(),
                Map.of(),
                Duration.ofMinutes(2),
                Set.of(),
                new AutoRouting(threshold, Map.of())),
            Clock.systemUTC());
    int[] counts = new int[4];
    List<String> mistakes = new ArrayList<>();
    long auto = 0;
    long smart = 0;
    long labelled = 0;
    Map<Case, Double> scores = new LinkedHashMap<>();
    for (Case c : cases) {
      double score = ComplexityEstimator.estimate(c.request()).score();
      scores.put(c, score);
      boolean routedSmart = score >= threshold;
      counts[(c.smart() ? 0 : 2) + (routedSmart == c.smart() ? 0 : 1)]++;
      if (routedSmart != c.smart()) {
        mistakes.add(c.id() + " (" + score + ")");
      }
      long asSmart = cost(policy, catalog, c.request(), AutoRouting.SMART);
      long asCheap = cost(policy, catalog, c.request(), AutoRouting.CHEAP);
      auto += cost(policy, catalog, c.request(), AutoRouting.ALIAS);
      smart += asSmart;
      labelled += c.smart() ? asSmart : asCheap;
    }
    Map<Double, Double> sweep = new LinkedHashMap<>();
    for (int step = 0; step <= 20; step++) {
      double t = step / 20.0;
      long agreed =
          scores.entrySet().stream().filter(e -> (e.getValue() >= t) == e.getKey().smart()).count();
      sweep.put(t, cases.isEmpty() ? 1.0 : (double) agreed / cases.size());
    }
    return new Report(
        cases.size(),
        threshold,
        counts[0],
        counts[1],
        counts[2],
        counts[3],
        List.copyOf(mistakes),
        auto,
        smart,
        labelled,
        sweep);
  }

  /** The requests of a shipped set, in file order, for benchmarks. */
  public static List<CompletionRequest> requests(String set) throws IOException {
    return read(set).stream().map(Case::request).toList();
  }

  /** The estimated cost of {@code request} asking for {@code model}, at the assumed output. */
  private static long cost(
      RoutingPolicy policy, ModelCatalog catalog, CompletionRequest request, String model) {
    CompletionRequest asked = CompletionRequest.newBuilder(request).setModel(model).build();
    if (!(policy.decide(asked) instanceof RoutingOutcome.Routed routed)) {
      throw new IllegalStateException(
          "evaluation prompt " + request.getId() + " is not routed for '" + model + "'");
    }
    RoutingDecision d = routed.request().getDecision();
    return catalog
        .find(d.getProvider(), d.getModel())
        .orElseThrow()
        .prices()
        .costMicros(new Usage(d.getEstimatedInputTokens(), OUTPUT_TOKENS, 0, 0));
  }

  private record Case(String id, boolean smart, CompletionRequest request) {}

  private static List<Case> read(String set) throws IOException {
    List<Case> cases = new ArrayList<>();
    try (InputStream in = AutoRoutingEvaluation.class.getResourceAsStream(set)) {
      if (in == null) {
        throw new IOException("evaluation set " + set + " is missing from the class path");
      }
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode c = JSON.readTree(line);
        String id = c.path("id").asText();
        ObjectNode body = ((ObjectNode) c.path("body")).deepCopy();
        body.put("model", AutoRouting.ALIAS);
        body.putObject("metadata").put("team", "eval").put("request_id", id);
        String label = c.path("label").asText();
        if (!label.equals(AutoRouting.SMART) && !label.equals(AutoRouting.CHEAP)) {
          throw new IOException(set + ": " + id + " has label '" + label + "', not cheap or smart");
        }
        cases.add(new Case(id, label.equals(AutoRouting.SMART), JsonIngress.parse(body, id)));
      }
    }
    return cases;
  }
}

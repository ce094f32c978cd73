package io.promptyard.router.routing;

import io.promptyard.providers.Usage;
import io.promptyard.providers.catalog.Capability;
import io.promptyard.providers.catalog.ModelCatalog;
import io.promptyard.providers.catalog.ModelSpec;
import io.promptyard.router.validation.RequestValidator;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.RoutingHints;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, for one request, which provider and model get it: validate, resolve the model name, keep the
 * models whose capabilities and context window fit, and pick the cheapest; the rest, cheapest first,
 * form the fallback chain.
 */
public final class RoutingPolicy {

  /** Output tokens assumed for cost estimates when the request sets no max_tokens. */
  static final int DEFAULT_OUTPUT_ESTIMATE = 256;

  private final ModelCatalog catalog;
  private final RequestValidator validator;
  private final Clock clock;

  public RoutingPolicy(ModelCatalog catalog, RequestValidator validator, Clock clock) {
    this.catalog = catalog;
    this.validator = validator;
    this.clock = clock;
  }

  public RoutingOutcome decide(CompletionRequest request) {
    Optional<String> problem = validator.problem(request);
    if (problem.isPresent()) {
      return new RoutingOutcome.Rejected(ErrorCode.INVALID_REQUEST, problem.get());
    }
    List<ModelSpec> named = catalog.resolve(request.getModel());
    if (named.isEmpty()) {
      return new RoutingOutcome.Rejected(ErrorCode.UNKNOWN_MODEL, "model '" + request.getModel()
          + "' is not in the catalog of enabled providers (known: " + knownNames() + ")");
    }
    RoutingHints hints = request.getRouting();
    Set<Capability> needed;
    try {
      needed = Capability.requiredBy(request);
    } catch (IllegalArgumentException e) {
      return new RoutingOutcome.Rejected(ErrorCode.INVALID_REQUEST, "routing.requiredCapabilities: " + e.getMessage());
    }
    int inputEstimate = TokenEstimator.estimateInput(request);
    Integer maxTokens = request.getParameters() == null ? null : request.getParameters().getMaxTokens();
    int outputEstimate = maxTokens == null ? DEFAULT_OUTPUT_ESTIMATE : maxTokens;

    List<ModelSpec> fitting = new ArrayList<>();
    List<String> whyNot = new ArrayList<>();
    for (ModelSpec m : named) {
      if (hints != null && hints.getExcludedProviders().contains(m.provider())) {
        whyNot.add(m.qualifiedName() + ": provider excluded");
      } else if (!m.capabilities().containsAll(needed)) {
        Set<Capability> missing = EnumSet.copyOf(needed);
        missing.removeAll(m.capabilities());
        whyNot.add(m.qualifiedName() + ": lacks " + missing);
      } else if (maxTokens != null && maxTokens > m.maxOutputTokens()) {
        whyNot.add(m.qualifiedName() + ": max output " + m.maxOutputTokens() + " < max_tokens " + maxTokens);
      } else if ((long) inputEstimate + outputEstimate > m.contextWindow()) {
        whyNot.add(m.qualifiedName() + ": context window " + m.contextWindow() + " < ~" + (inputEstimate + outputEstimate));
      } else {
        fitting.add(m);
      }
    }
    if (fitting.isEmpty()) {
      return new RoutingOutcome.Rejected(ErrorCode.NO_CAPABLE_MODEL,
          "no model for '" + request.getModel() + "' fits the request: " + String.join("; ", whyNot));
    }
    Usage estimate = new Usage(inputEstimate, outputEstimate, 0, 0);
    Comparator<ModelSpec> byCost = Comparator.comparingLong(m -> m.prices().costMicros(estimate));
    fitting.sort(byCost.thenComparing(ModelSpec::qualifiedName));
    ModelSpec chosen = fitting.getFirst();
    long cost = chosen.prices().costMicros(estimate);
    if (hints != null && hints.getMaxCostMicros() != null && cost > hints.getMaxCostMicros()) {
      return new RoutingOutcome.Rejected(ErrorCode.NO_CAPABLE_MODEL, "the cheapest fitting model, " + chosen.qualifiedName()
          + ", is estimated at " + cost + " micro-dollars, above the request's max cost of " + hints.getMaxCostMicros());
    }
    List<ModelRef> fallback = fitting.stream().skip(1).map(m -> new ModelRef(m.provider(), m.id())).toList();
    String reason = "cheapest of " + fitting.size() + " fitting model(s) for '" + request.getModel() + "': "
        + chosen.qualifiedName() + " at ~" + cost + " micro-dollars (est. " + inputEstimate + " input + " + outputEstimate
        + " output tokens)";
    RoutingDecision decision = RoutingDecision.newBuilder()
        .setProvider(chosen.provider())
        .setModel(chosen.id())
        .setFallbackChain(fallback)
        .setEstimatedInputTokens(inputEstimate)
        .setEstimatedCostMicros(cost)
        .setReason(reason)
        .setRoutedAt(clock.instant())
        .build();
    return new RoutingOutcome.Routed(new RoutedRequest(request, decision, List.of()));
  }


  private String knownNames() {
    Set<String> names = new java.util.TreeSet<>();
    for (ModelSpec m : catalog.models()) {
      names.add(m.qualifiedName());
      names.addAll(m.aliases());
    }
    return String.join(", ", names);
  }
}

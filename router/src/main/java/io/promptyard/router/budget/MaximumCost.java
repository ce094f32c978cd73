package io.promptyard.router.budget;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.catalog.Usage;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The most a routed request can cost and use: its estimated input tokens and the most output it may
 * get (its {@code max_tokens}, else the model's output cap) at the prices of the dearest model it
 * may run on — the chosen one or any in its fallback chain.
 *
 * @param micros the most it can cost, in micro-dollars
 * @param tokens the most tokens (input + output) it can use
 */
public record MaximumCost(long micros, long tokens) {

  /** The maximum of {@code routed} under the prices of {@code catalog}. */
  public static MaximumCost of(RoutedRequest routed, ModelCatalog catalog) {
    RoutingDecision d = routed.getDecision();
    Integer asked =
        routed.getRequest().getParameters() == null
            ? null
            : routed.getRequest().getParameters().getMaxTokens();
    int input = d.getEstimatedInputTokens();
    List<ModelRef> runs = new ArrayList<>(d.getFallbackChain().size() + 1);
    runs.add(new ModelRef(d.getProvider(), d.getModel()));
    runs.addAll(d.getFallbackChain());
    long micros = 0;
    long tokens = (long) input + Math.max(asked == null ? 0 : asked, d.getEstimatedOutputTokens());
    for (ModelRef ref : runs) {
      Optional<ModelSpec> spec = catalog.find(ref.getProvider(), ref.getModel());
      if (spec.isEmpty()) {
        continue;
      }
      int output = asked == null ? spec.get().maxOutputTokens() : asked;
      micros = Math.max(micros, spec.get().prices().costMicros(new Usage(input, output, 0, 0)));
      tokens = Math.max(tokens, (long) input + output);
    }
    return new MaximumCost(micros, tokens);
  }
}

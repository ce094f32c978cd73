package io.promptyard.router.routing;

import io.promptyard.schemas.RoutingStrategy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The one-line reason of a routing decision, in words an operator reads without the code. */
final class Reasons {

  private Reasons() {}

  static String of(
      RoutingStrategy strategy,
      String asked,
      Candidate chosen,
      List<Candidate> ordered,
      Set<String> preferred,
      Map<String, Integer> weights,
      BudgetGate.Standing.OverSoft downgradedBy,
      String team) {
    StringBuilder r = new StringBuilder();
    int n = ordered.size();
    String of = n + " fitting model" + (n == 1 ? "" : "s") + " for '" + asked + "'";
    switch (strategy) {
      case PINNED -> r.append("pinned to ").append(chosen.name());
      case LOWEST_LATENCY -> {
        r.append("lowest recent latency of ").append(of).append(": ").append(chosen.name());
        r.append(
            chosen.p50Millis() == Long.MAX_VALUE
                ? " (no latency reported)"
                : " (p50 " + chosen.p50Millis() + " ms, p99 " + chosen.p99Millis() + " ms)");
      }
      case WEIGHTED ->
          r.append("weighted split ")
              .append(weights.isEmpty() ? "(equal shares)" : new TreeMap<>(weights))
              .append(" gave ")
              .append(chosen.model().provider())
              .append(" among ")
              .append(of)
              .append(": ")
              .append(chosen.name());
      default -> r.append("cheapest of ").append(of).append(": ").append(chosen.name());
    }
    r.append(" at ~")
        .append(BudgetGate.dollars(chosen.costMicros()))
        .append(" (est. ")
        .append(chosen.inputTokens())
        .append(" input tokens by ")
        .append(TokenEstimator.tokenizerOf(chosen.model()).label())
        .append(" + ")
        .append(chosen.outputTokens())
        .append(" output)");
    if (downgradedBy != null) {
      r.append("; downgraded: team ")
          .append(team)
          .append(" has spent ")
          .append(BudgetGate.dollars(downgradedBy.spentMicros()))
          .append(", over its soft limit of ")
          .append(BudgetGate.dollars(downgradedBy.softLimitMicros()));
    }
    if (!preferred.isEmpty() && preferred.contains(chosen.model().provider())) {
      r.append("; preferred provider");
    }
    List<String> open =
        ordered.stream()
            .filter(c -> c.standing() == Candidate.Standing.CIRCUIT_OPEN)
            .map(Candidate::name)
            .toList();
    List<String> low =
        ordered.stream()
            .filter(c -> c.standing() == Candidate.Standing.QUOTA_LOW)
            .map(Candidate::name)
            .toList();
    if (chosen.standing() == Candidate.Standing.CIRCUIT_OPEN) {
      r.append("; every fitting model has an open circuit");
    } else if (!open.isEmpty()) {
      r.append("; open circuit, placed last: ").append(String.join(", ", open));
    }
    if (!low.isEmpty() && chosen.standing() == Candidate.Standing.HEALTHY) {
      r.append("; quota nearly used, placed after healthy models: ").append(String.join(", ", low));
    }
    return r.toString();
  }
}

package io.promptyard.router.routing;

import io.promptyard.schemas.RoutingStrategy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;

/** Orders the models that fit a request, best first, by a selection strategy. */
final class Strategies {

  static final Comparator<Candidate> BY_COST =
      Comparator.comparingLong(Candidate::costMicros).thenComparing(Candidate::name);
  static final Comparator<Candidate> BY_LATENCY =
      Comparator.comparingLong(Candidate::p50Millis)
          .thenComparingLong(Candidate::p99Millis)
          .thenComparing(BY_COST);

  private Strategies() {}

  /**
   * The candidates in the strategy's order, then models of preferred providers moved ahead (keeping
   * that order), then models with a low quota and then with an open circuit moved to the end.
   */
  static List<Candidate> order(
      RoutingStrategy strategy,
      List<Candidate> fitting,
      Set<String> preferred,
      String requestId,
      Map<String, Integer> weights) {
    List<Candidate> ordered = new ArrayList<>(fitting);
    switch (strategy) {
      case LOWEST_LATENCY -> ordered.sort(BY_LATENCY);
      case WEIGHTED -> {
        ordered.sort(BY_COST);
        String provider = weightedProvider(ordered, requestId, weights);
        if (provider != null) {
          Candidate first =
              ordered.stream()
                  .filter(c -> c.model().provider().equals(provider))
                  .findFirst()
                  .orElseThrow();
          ordered.remove(first);
          ordered.addFirst(first);
        }
      }
      default -> ordered.sort(BY_COST);
    }
    if (!preferred.isEmpty()) {
      ordered.sort(Comparator.comparing(c -> !preferred.contains(c.model().provider())));
    }
    ordered.sort(Comparator.comparing(Candidate::standing));
    return ordered;
  }

  /**
   * The provider the weighted split gives this request: the request id's hash falls into one
   * provider's share of the total weight of the providers that fit and are healthy (all that fit
   * when none is). The same id always gets the same provider, so a replayed request is routed as
   * before. Null when no provider has weight.
   */
  static String weightedProvider(
      List<Candidate> fitting, String requestId, Map<String, Integer> weights) {
    boolean anyHealthy = fitting.stream().anyMatch(c -> c.standing() == Candidate.Standing.HEALTHY);
    Map<String, Integer> shares = new LinkedHashMap<>();
    fitting.stream()
        .filter(c -> !anyHealthy || c.standing() == Candidate.Standing.HEALTHY)
        .map(c -> c.model().provider())
        .sorted()
        .forEach(p -> shares.putIfAbsent(p, weights.isEmpty() ? 1 : weights.getOrDefault(p, 0)));
    long total = shares.values().stream().mapToLong(Integer::longValue).sum();
    if (total == 0) {
      return null;
    }
    long point = (Utils.murmur2(requestId.getBytes(StandardCharsets.UTF_8)) & 0x7fffffffL) % total;
    for (Map.Entry<String, Integer> e : shares.entrySet()) {
      point -= e.getValue();
      if (point < 0) {
        return e.getKey();
      }
    }
    throw new IllegalStateException("unreachable: the point lies within the total weight");
  }
}

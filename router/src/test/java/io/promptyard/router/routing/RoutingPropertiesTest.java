package io.promptyard.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.catalog.Capability;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.catalog.ParamRules;
import io.promptyard.catalog.Prices;
import io.promptyard.catalog.ProviderSpec;
import io.promptyard.catalog.Usage;
import io.promptyard.router.validation.RequestValidator;
import io.promptyard.schemas.Budget;
import io.promptyard.schemas.CircuitState;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.ProviderHealth;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.RoutingHints;
import io.promptyard.schemas.RoutingStrategy;
import io.promptyard.schemas.ToolDefinition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Properties of routing over random catalogs and requests: whatever the strategy and health, the
 * chosen model (and every model of the fallback chain) satisfies the request's hard constraints, a
 * request is rejected only when no model satisfies them, and under the cheapest strategy no fitting
 * model is cheaper than the chosen one.
 */
class RoutingPropertiesTest {

  private static final Instant AT = Instant.parse("2026-11-23T10:00:00Z");
  private static final List<String> PROVIDERS = List.of("p1", "p2", "p3", "p4");

  /** A random world: catalog, request, strategy, and which providers have open circuits. */
  record World(
      ModelCatalog catalog,
      CompletionRequest request,
      RoutingStrategy strategy,
      Set<String> openCircuits) {}

  @Property(tries = 400)
  void theChosenModelAndItsFallbacksAlwaysSatisfyTheHardConstraints(@ForAll("worlds") World w) {
    RoutingPolicy policy =
        new RoutingPolicy(
            w.catalog(), RequestValidator.defaults(), defaults(w.strategy()), Clock.systemUTC());

    RoutingOutcome outcome = policy.decide(w.request(), signals(w.openCircuits()), AT);

    List<ModelSpec> fitting =
        w.catalog().models().stream().filter(m -> fits(m, w.request())).toList();
    Statistics.collect(outcome instanceof RoutingOutcome.Routed ? "routed" : "rejected");
    Statistics.coverage(c -> c.check("routed").percentage(p -> p > 25));
    Statistics.coverage(c -> c.check("rejected").percentage(p -> p > 5));
    switch (outcome) {
      case RoutingOutcome.Rejected rejected ->
          assertThat(fitting).as("rejected (%s) although these fit", rejected.reason()).isEmpty();
      case RoutingOutcome.Routed routed -> {
        RoutingDecision d = routed.request().getDecision();
        List<ModelRef> all = new ArrayList<>(List.of(new ModelRef(d.getProvider(), d.getModel())));
        all.addAll(d.getFallbackChain());
        for (ModelRef ref : all) {
          ModelSpec m = w.catalog().find(ref.getProvider(), ref.getModel()).orElseThrow();
          assertThat(fits(m, w.request()))
              .as("%s satisfies the hard constraints", m.qualifiedName())
              .isTrue();
        }
        assertThat(all)
            .as("chosen plus fallbacks are every fitting model, once each")
            .hasSize(fitting.size())
            .doesNotHaveDuplicates();
        boolean someClosed =
            fitting.stream().anyMatch(m -> !w.openCircuits().contains(m.provider()));
        if (someClosed) {
          assertThat(w.openCircuits())
              .as("an open circuit is chosen only when every fitting model has one")
              .doesNotContain(d.getProvider());
        }
      }
    }
  }

  @Property(tries = 400)
  void underTheCheapestStrategyNoFittingModelIsCheaperThanTheChosenOne(@ForAll("worlds") World w) {
    RoutingPolicy policy =
        new RoutingPolicy(
            w.catalog(),
            RequestValidator.defaults(),
            defaults(RoutingStrategy.CHEAPEST),
            Clock.systemUTC());

    RoutingOutcome outcome = policy.decide(w.request(), RoutingSignals.NONE, AT);

    if (outcome instanceof RoutingOutcome.Routed routed) {
      RoutingDecision d = routed.request().getDecision();
      long chosen =
          cost(w.catalog().find(d.getProvider(), d.getModel()).orElseThrow(), w.request());
      assertThat(d.getEstimatedCostMicros()).isEqualTo(chosen);
      for (ModelSpec m : w.catalog().models()) {
        if (fits(m, w.request())) {
          assertThat(cost(m, w.request()))
              .as(
                  "cost of %s against the chosen %s/%s",
                  m.qualifiedName(), d.getProvider(), d.getModel())
              .isGreaterThanOrEqualTo(chosen);
        }
      }
      List<Long> chainCosts =
          d.getFallbackChain().stream()
              .map(
                  r ->
                      cost(
                          w.catalog().find(r.getProvider(), r.getModel()).orElseThrow(),
                          w.request()))
              .toList();
      assertThat(chainCosts).as("fallback chain cheapest first").isSorted();
    }
  }

  @Provide
  Arbitrary<World> worlds() {
    Arbitrary<List<ModelSpec>> models =
        model().list().ofMinSize(1).ofMaxSize(12).uniqueElements(ModelSpec::qualifiedName);
    Arbitrary<RoutingStrategy> strategy =
        Arbitraries.of(
            RoutingStrategy.CHEAPEST, RoutingStrategy.LOWEST_LATENCY, RoutingStrategy.WEIGHTED);
    Arbitrary<Set<String>> open = Arbitraries.of(PROVIDERS).set().ofMaxSize(4);
    return Combinators.combine(models, request(), strategy, open)
        .as((ms, r, s, o) -> new World(catalog(ms), r, s, o));
  }

  private static Arbitrary<ModelSpec> model() {
    Arbitrary<String> provider = Arbitraries.of(PROVIDERS);
    Arbitrary<String> id =
        Arbitraries.of("gpt-4o-mini", "gpt-4.1", "claude-x", "llama-y", "m1", "m2", "m3", "m4");
    Arbitrary<Set<Capability>> caps = Arbitraries.of(Capability.class).set();
    Arbitrary<Integer> context = Arbitraries.integers().between(500, 200_000);
    Arbitrary<Integer> maxOut = Arbitraries.integers().between(100, 32_000);
    Arbitrary<Long> price = Arbitraries.longs().between(0, 20_000_000);
    return Combinators.combine(provider, id, caps, context, maxOut, price, price)
        .as(
            (p, i, c, ctx, out, in, o) ->
                new ModelSpec(
                    p,
                    i,
                    List.of("any"),
                    ctx,
                    out,
                    c,
                    new Prices(in, in / 4, o, LocalDate.of(2026, 11, 1)),
                    null,
                    ParamRules.NONE));
  }

  private static Arbitrary<CompletionRequest> request() {
    Arbitrary<String> text =
        Arbitraries.strings()
            .withChars("abcdefgh ,.é水")
            .ofMinLength(1)
            .ofMaxLength(3_000)
            .map(s -> s.repeat(1 + s.length() % 7));
    Arbitrary<Set<Capability>> caps = Arbitraries.of(Capability.class).set().ofMaxSize(2);
    Arbitrary<Integer> maxTokens = Arbitraries.integers().between(1, 40_000).injectNull(0.3);
    Arbitrary<Set<String>> excluded = Arbitraries.of(PROVIDERS).set().ofMaxSize(2);
    Arbitrary<Long> maxCost = Arbitraries.longs().between(0, 200_000).injectNull(0.5);
    Arbitrary<Boolean> tools = Arbitraries.of(true, false);
    return Combinators.combine(
            Arbitraries.strings().alpha().ofLength(8),
            text,
            caps,
            maxTokens,
            excluded,
            maxCost,
            tools)
        .as(
            (id, t, c, mt, ex, cost, withTools) ->
                CompletionRequest.newBuilder()
                    .setId(id)
                    .setTeam("team")
                    .setModel("any")
                    .setMessages(
                        List.of(Message.newBuilder().setRole(Role.USER).setText(t).build()))
                    .setParameters(
                        Parameters.newBuilder()
                            .setMaxTokens(mt)
                            .setTools(
                                withTools
                                    ? List.of(
                                        new ToolDefinition(
                                            "f", "a function", "{\"type\":\"object\"}"))
                                    : List.of())
                            .build())
                    .setRouting(
                        RoutingHints.newBuilder()
                            .setRequiredCapabilities(c.stream().map(Enum::name).toList())
                            .setExcludedProviders(List.copyOf(ex))
                            .setMaxCostMicros(cost)
                            .build())
                    .build());
  }

  /** The hard constraints, checked independently of the policy. */
  private static boolean fits(ModelSpec m, CompletionRequest r) {
    Set<Capability> needed = EnumSet.noneOf(Capability.class);
    r.getRouting().getRequiredCapabilities().forEach(c -> needed.add(Capability.valueOf(c)));
    if (!r.getParameters().getTools().isEmpty()) {
      needed.add(Capability.TOOLS);
    }
    Integer maxTokens = r.getParameters().getMaxTokens();
    int output = maxTokens == null ? RoutingPolicy.DEFAULT_OUTPUT_ESTIMATE : maxTokens;
    Long maxCost = r.getRouting().getMaxCostMicros();
    return m.capabilities().containsAll(needed)
        && !r.getRouting().getExcludedProviders().contains(m.provider())
        && (maxTokens == null || maxTokens <= m.maxOutputTokens())
        && (long) TokenEstimator.of(r).tokensFor(m) + output <= m.contextWindow()
        && (maxCost == null || cost(m, r) <= maxCost);
  }

  private static long cost(ModelSpec m, CompletionRequest r) {
    Integer maxTokens = r.getParameters().getMaxTokens();
    int output = maxTokens == null ? RoutingPolicy.DEFAULT_OUTPUT_ESTIMATE : maxTokens;
    return m.prices().costMicros(new Usage(TokenEstimator.of(r).tokensFor(m), output, 0, 0));
  }

  private static ModelCatalog catalog(List<ModelSpec> models) {
    return new ModelCatalog(
        PROVIDERS.stream()
            .map(
                p ->
                    new ProviderSpec(
                        p, "openai-compatible", "http://127.0.0.1:1", List.of(), null, false))
            .toList(),
        models);
  }

  private static RoutingDefaults defaults(RoutingStrategy strategy) {
    return new RoutingDefaults(
        strategy, Map.of(), Map.of("p1", 2, "p2", 1, "p3", 1), Duration.ofMinutes(2));
  }

  private static RoutingSignals signals(Set<String> open) {
    return new RoutingSignals() {
      @Override
      public Optional<ProviderHealth> health(String key) {
        return open.contains(key)
            ? Optional.of(
                ProviderHealth.newBuilder()
                    .setKey(key)
                    .setProvider(key)
                    .setCircuitState(CircuitState.OPEN)
                    .setUpdatedAt(AT)
                    .build())
            : Optional.empty();
      }

      @Override
      public Optional<Budget> budget(String team) {
        return Optional.empty();
      }
    };
  }
}

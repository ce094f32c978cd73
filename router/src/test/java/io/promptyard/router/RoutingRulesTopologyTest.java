package io.promptyard.router;

import static io.promptyard.router.RouterDriver.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.router.routing.RoutingDefaults;
import io.promptyard.schemas.CircuitState;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.Priority;
import io.promptyard.schemas.ProviderHealth;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.RoutingStrategy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each routing rule, through the router topology, on {@link TestCatalog}. */
class RoutingRulesTopologyTest {

  private RouterDriver router = new RouterDriver(TestCatalog.catalog());

  @AfterEach
  void close() {
    router.close();
  }

  @Test
  void cheapAliasGoesToTheCheapestFittingModelWithTheOthersAsFallbackCheapestFirst() {
    router.ask("r1", "team-a", "cheap", "");

    RoutingDecision d = router.route("gamma").readValue().getDecision();
    assertThat(d.getModel()).isEqualTo("g-mini");
    assertThat(d.getFallbackChain()).containsExactly(ref("alpha", "a-mini"), ref("beta", "b-mini"));
    assertThat(d.getStrategy()).isEqualTo(RoutingStrategy.CHEAPEST);
    assertThat(d.getEstimatedInputTokens()).isPositive();
    assertThat(d.getEstimatedOutputTokens()).isEqualTo(256);
    assertThat(d.getEstimatedCostMicros()).isEqualTo(52);
    assertThat(d.getPriority()).isEqualTo(Priority.BATCH);
    assertThat(d.getDowngraded()).isFalse();
    assertThat(d.getReason())
        .startsWith("cheapest of 3 fitting models for 'cheap': gamma/g-mini at ~$0.000052");
  }

  @Test
  void requestWithToolsSkipsModelsWithoutTools() {
    router.json(
        """
        {"model":"cheap","messages":[{"role":"user","content":"weather?"}],
         "tools":[{"type":"function","function":{"name":"weather","parameters":{"type":"object"}}}],
         "metadata":{"team":"t","request_id":"tools"}}""");

    RoutingDecision d = router.route("alpha").readValue().getDecision();
    assertThat(d.getModel()).isEqualTo("a-mini");
    assertThat(d.getFallbackChain()).containsExactly(ref("beta", "b-mini"));
  }

  @Test
  void imageRequestToModelsWithoutVisionIsRejectedNamingWhatIsMissing() {
    router.json(
        """
        {"model":"cheap","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}],
         "metadata":{"team":"t","request_id":"img"}}""");

    CompletionResult r = router.results.readValue();
    assertThat(r.getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(r.getError().getCode()).isEqualTo(ErrorCode.NO_CAPABLE_MODEL);
    assertThat(r.getError().getMessage())
        .contains("gamma/g-mini: lacks [VISION]")
        .contains("alpha/a-mini: lacks [VISION]");
  }

  @Test
  void promptTooLongForAModelsContextWindowSkipsThatModel() {
    String prompt =
        "word ".repeat(7_000); // about 9,800 tokens: over g-mini's 8,000, within a-mini's 16,000
    router.json(
        "{\"model\":\"cheap\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + prompt
            + "\"}],"
            + "\"metadata\":{\"team\":\"t\",\"request_id\":\"long\"}}");

    RoutingDecision d = router.route("alpha").readValue().getDecision();
    assertThat(d.getModel()).isEqualTo("a-mini");
    assertThat(d.getEstimatedInputTokens()).isBetween(8_000, 15_000);
    assertThat(d.getFallbackChain()).containsExactly(ref("beta", "b-mini"));
  }

  @Test
  void maxTokensAboveAModelsOutputLimitSkipsThatModel() {
    router.json(
        """
        {"model":"cheap","max_tokens":3000,"messages":[{"role":"user","content":"hi"}],"metadata":{"team":"t","request_id":"mt"}}""");

    RoutingDecision d = router.route("alpha").readValue().getDecision();
    assertThat(d.getModel()).isEqualTo("a-mini");
    assertThat(d.getEstimatedOutputTokens()).isEqualTo(3000);
  }

  @Test
  void lowestLatencyStrategyPicksTheModelWithTheLowestRecentMedianLatency() {
    router.health("alpha", CircuitState.CLOSED, 900, 2_000, NOW);
    router.health("beta", CircuitState.CLOSED, 100, 400, NOW);

    router.ask("lat", "t", "fast", "\"strategy\":\"lowest_latency\"");

    RoutingDecision d = router.route("beta").readValue().getDecision();
    assertThat(d.getModel()).isEqualTo("b-mini");
    assertThat(d.getStrategy()).isEqualTo(RoutingStrategy.LOWEST_LATENCY);
    assertThat(d.getFallbackChain()).containsExactly(ref("alpha", "a-mini"));
    assertThat(d.getReason()).contains("lowest recent latency").contains("p50 100 ms, p99 400 ms");
  }

  @Test
  void aModelsOwnLatencyReportWinsOverItsProviders() {
    router.health("alpha", CircuitState.CLOSED, 900, 2_000, NOW);
    router.health("alpha/a-mini", CircuitState.CLOSED, 50, 300, NOW);
    router.health("beta", CircuitState.CLOSED, 100, 400, NOW);

    router.ask("lat2", "t", "fast", "\"strategy\":\"lowest_latency\"");

    assertThat(router.route("alpha").readValue().getDecision().getModel()).isEqualTo("a-mini");
  }

  @Test
  void teamDefaultStrategyAppliesWhenTheRequestNamesNone() {
    router.close();
    router =
        new RouterDriver(
            TestCatalog.catalog(),
            new RoutingDefaults(
                RoutingStrategy.CHEAPEST,
                Map.of("search", RoutingStrategy.LOWEST_LATENCY),
                Map.of(),
                Duration.ofMinutes(2)));
    router.health("alpha", CircuitState.CLOSED, 900, 2_000, NOW);
    router.health("beta", CircuitState.CLOSED, 100, 400, NOW);

    router.ask("s1", "search", "fast", "");
    router.ask("o1", "other", "fast", "");

    assertThat(router.route("beta").readValue().getRequest().getId()).isEqualTo("s1");
    assertThat(router.route("alpha").readValue().getRequest().getId()).isEqualTo("o1");
  }

  @Test
  void weightedSplitSharesRequestsByProviderWeightAndRoutesAnIdTheSameWayEachTime() {
    router.close();
    router =
        new RouterDriver(
            TestCatalog.catalog(),
            new RoutingDefaults(
                RoutingStrategy.WEIGHTED,
                Map.of(),
                Map.of("alpha", 3, "beta", 1),
                Duration.ofMinutes(2)));

    for (int i = 0; i < 400; i++) {
      router.ask("w-" + i, "t", "fast", "");
    }
    router.ask("w-7", "t", "fast", "");

    List<RoutedRequest> alpha = router.route("alpha").readValuesToList();
    List<RoutedRequest> beta = router.route("beta").readValuesToList();
    assertThat(alpha.size() + beta.size()).isEqualTo(401);
    assertThat(alpha.size()).as("alpha's share of 3/4").isBetween(260, 340);
    assertThat(beta.size()).as("beta's share of 1/4").isBetween(60, 140);
    Map<String, Long> w7 =
        java.util.stream.Stream.concat(alpha.stream(), beta.stream())
            .filter(r -> r.getRequest().getId().equals("w-7"))
            .collect(
                Collectors.groupingBy(r -> r.getDecision().getProvider(), Collectors.counting()));
    assertThat(w7).hasSize(1).containsValue(2L);
    assertThat(alpha.getFirst().getDecision().getReason())
        .contains("weighted split {alpha=3, beta=1} gave alpha");
  }

  @Test
  void pinnedModelGoesExactlyThereWithNoFallback() {
    router.ask("pin", "t", "smart", "\"pinned_model\":\"alpha/a-large\"");

    RoutingDecision d = router.route("alpha").readValue().getDecision();
    assertThat(d.getModel()).isEqualTo("a-large");
    assertThat(d.getStrategy()).isEqualTo(RoutingStrategy.PINNED);
    assertThat(d.getFallbackChain()).isEmpty();
    assertThat(d.getReason()).startsWith("pinned to alpha/a-large");
  }

  @Test
  void pinnedStrategyOnAnAliasOfSeveralModelsIsRejected() {
    router.ask("pin2", "t", "cheap", "\"strategy\":\"pinned\"");

    CompletionResult r = router.results.readValue();
    assertThat(r.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(r.getError().getMessage())
        .contains("pinned routing needs one provider/model")
        .contains("'cheap' means 3");
  }

  @Test
  void smartAliasResolvesThroughTheCatalog() {
    router.ask("smart", "t", "smart", "");

    RoutingDecision d = router.route("beta").readValue().getDecision();
    assertThat(d.getModel()).isEqualTo("b-vision");
    assertThat(d.getFallbackChain()).containsExactly(ref("alpha", "a-large"));
  }

  @Test
  void excludedProviderIsNeverChosenNorInTheChain() {
    router.ask("ex", "t", "cheap", "\"excluded_providers\":[\"gamma\"]");

    RoutingDecision d = router.route("alpha").readValue().getDecision();
    assertThat(d.getModel()).isEqualTo("a-mini");
    assertThat(d.getFallbackChain()).containsExactly(ref("beta", "b-mini"));
  }

  @Test
  void preferredProviderGoesFirstAndTheRestKeepTheirOrder() {
    router.ask("pref", "t", "cheap", "\"preferred_providers\":[\"beta\"]");

    RoutingDecision d = router.route("beta").readValue().getDecision();
    assertThat(d.getModel()).isEqualTo("b-mini");
    assertThat(d.getFallbackChain())
        .containsExactly(ref("gamma", "g-mini"), ref("alpha", "a-mini"));
    assertThat(d.getReason()).contains("preferred provider");
  }

  @Test
  void maxCostKeepsOnlyModelsEstimatedWithinItAndRejectsWhenNoneIs() {
    router.ask("cost-ok", "t", "cheap", "\"max_cost_micros\":60");
    router.ask("cost-low", "t", "cheap", "\"max_cost_micros\":10");

    RoutingDecision d = router.route("gamma").readValue().getDecision();
    assertThat(d.getModel()).isEqualTo("g-mini");
    assertThat(d.getFallbackChain()).isEmpty();
    CompletionResult r = router.results.readValue();
    assertThat(r.getId()).isEqualTo("cost-low");
    assertThat(r.getError().getCode()).isEqualTo(ErrorCode.NO_CAPABLE_MODEL);
    assertThat(r.getError().getMessage()).contains("above the request's max cost of 10");
  }

  @Test
  void providerWithAnOpenCircuitIsSkippedAndPlacedLastInTheFallbackChain() {
    router.health("gamma", CircuitState.OPEN, 0, 0, NOW.minusSeconds(5));

    router.ask("open", "t", "cheap", "");

    RoutingDecision d = router.route("alpha").readValue().getDecision();
    assertThat(d.getModel()).isEqualTo("a-mini");
    assertThat(d.getFallbackChain()).containsExactly(ref("beta", "b-mini"), ref("gamma", "g-mini"));
    assertThat(d.getReason()).contains("open circuit, placed last: gamma/g-mini");
  }

  @Test
  void anOpenCircuitOnOneModelSkipsOnlyThatModel() {
    router.health("alpha/a-large", CircuitState.OPEN, 0, 0, NOW);

    router.ask("open-model", "t", "alpha/a-mini", "");

    assertThat(router.route("alpha").readValue().getDecision().getModel()).isEqualTo("a-mini");
  }

  @Test
  void aHealthReportOlderThanTheMaximumAgeIsIgnored() {
    router.health("gamma", CircuitState.OPEN, 0, 0, NOW.minus(Duration.ofMinutes(10)));

    router.ask("stale", "t", "cheap", "");

    assertThat(router.route("gamma").readValue().getDecision().getModel()).isEqualTo("g-mini");
  }

  @Test
  void whenEveryFittingModelHasAnOpenCircuitTheBestIsStillChosenAndTheReasonSaysSo() {
    router.health("alpha", CircuitState.OPEN, 0, 0, NOW);
    router.health("beta", CircuitState.OPEN, 0, 0, NOW);
    router.health("gamma", CircuitState.OPEN, 0, 0, NOW);

    router.ask("all-open", "t", "cheap", "");

    RoutingDecision d = router.route("gamma").readValue().getDecision();
    assertThat(d.getReason()).contains("every fitting model has an open circuit");
  }

  @Test
  void aProviderOutOfQuotaGoesAfterHealthyOnesButBeforeOpenCircuits() {
    router.health(
        ProviderHealth.newBuilder()
            .setKey("gamma")
            .setProvider("gamma")
            .setCircuitState(CircuitState.CLOSED)
            .setRemainingRequests(0L)
            .setUpdatedAt(NOW)
            .build());
    router.health("alpha", CircuitState.OPEN, 0, 0, NOW);

    router.ask("quota", "t", "cheap", "");

    RoutingDecision d = router.route("beta").readValue().getDecision();
    assertThat(d.getFallbackChain())
        .containsExactly(ref("gamma", "g-mini"), ref("alpha", "a-mini"));
  }

  @Test
  void interactivePriorityTravelsOnTheProvidersInteractiveLaneAndBatchOnTheOther() {
    router.ask("i1", "t", "cheap", "\"priority\":\"interactive\"");
    router.ask("b1", "t", "cheap", "\"priority\":\"batch\"");

    RoutedRequest interactive = router.interactive("gamma").readValue();
    assertThat(interactive.getRequest().getId()).isEqualTo("i1");
    assertThat(interactive.getDecision().getPriority()).isEqualTo(Priority.INTERACTIVE);
    List<RoutedRequest> batch = router.route("gamma").readValuesToList();
    assertThat(batch).extracting(r -> r.getRequest().getId()).containsExactly("b1");
    assertThat(router.interactive("gamma").isEmpty()).isTrue();
  }

  private static ModelRef ref(String provider, String model) {
    return new ModelRef(provider, model);
  }
}

package io.promptyard.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.catalog.ParamRules;
import io.promptyard.catalog.ParamRules.Param;
import io.promptyard.catalog.Usage;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.RoutingHints;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A model the worker falls back to at run time keeps its catalog parameter rules: the job skips it
 * or, when the request allows, it gets the request without what it refuses; it is never sent a
 * request a rule forbids.
 */
class FallbackParamRulesTest {

  /** sim/strict: sim-large's limits and prices, refusing temperature and top_p together. */
  private static final ModelRef STRICT = new ModelRef("sim", "strict");

  private static final ModelRef SIM_LARGE = new ModelRef("sim", "sim-large");

  private static final int MAX_ATTEMPTS = 2;

  private final TestClock clock = new TestClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final ScriptedProvider sim = new ScriptedProvider("sim");
  private final JobProcessor processor =
      InMemoryJobProcessor.of(
          catalog(),
          sim,
          new JobPolicy(
              MAX_ATTEMPTS,
              new Backoff(Duration.ofMillis(1), Duration.ofMillis(2)),
              Duration.ofHours(1),
              Duration.ofDays(1)),
          clock);

  @Test
  void aFallbackModelWhoseRulesTheRequestBreaksIsNotCalledAndTheJobFailsNamingParameterAndModel()
      throws Exception {
    sim.fails(MAX_ATTEMPTS, ErrorCode.OVERLOADED, true, 503, "sim: overloaded");

    RoutedRequest next = fallBack(job(false, STRICT));
    JobOutcome outcome = processor.process(next, c -> {});

    CompletionResult result = ((JobOutcome.Finished) outcome).result();
    assertThat(result.getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(result.getError().getMessage())
        .contains("sim/strict does not take temperature and top_p together")
        .contains("metadata.drop_params");
    assertThat(sim.calls()).extracting(c -> c.request().model()).containsOnly("sim-mini");
  }

  @Test
  void aFallbackModelWhoseRulesTheRequestBreaksIsSkippedForTheNextThatTakesIt() throws Exception {
    sim.fails(MAX_ATTEMPTS, ErrorCode.OVERLOADED, true, 503, "sim: overloaded")
        .answers("Paris.", new Usage(10, 2, 0, 0));

    RoutedRequest atStrict = fallBack(job(false, STRICT, SIM_LARGE));
    JobOutcome moved = processor.process(atStrict, c -> {});

    RoutedRequest atLarge = ((JobOutcome.Forwarded) moved).next();
    assertThat(atLarge.getDecision().getModel()).isEqualTo("sim-large");
    assertThat(atLarge.getDecision().getReason())
        .contains("moved to sim/sim-large without calling");
    CompletionResult result = ((JobOutcome.Finished) processor.process(atLarge, c -> {})).result();
    assertThat(result.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(sim.calls().getLast().request().model()).isEqualTo("sim-large");
    assertThat(sim.calls().getLast().request().parameters().getTopP()).isEqualTo(0.9);
    assertThat(sim.calls()).extracting(c -> c.request().model()).doesNotContain("strict");
  }

  @Test
  void withDropParamsTheFallbackModelGetsTheRequestWithoutWhatItRefuses() throws Exception {
    sim.fails(MAX_ATTEMPTS, ErrorCode.OVERLOADED, true, 503, "sim: overloaded")
        .answers("Paris.", new Usage(10, 2, 0, 0));

    RoutedRequest atStrict = fallBack(job(true, STRICT));
    CompletionResult result = ((JobOutcome.Finished) processor.process(atStrict, c -> {})).result();

    assertThat(result.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
    assertThat(result.getModel()).isEqualTo("strict");
    Parameters sent = sim.calls().getLast().request().parameters();
    assertThat(sent.getTemperature()).isEqualTo(0.7);
    assertThat(sent.getTopP()).isNull();
    // the first model has no rules: it got the request as sent
    assertThat(sim.calls().getFirst().request().parameters().getTopP()).isEqualTo(0.9);
  }

  /** Runs {@code job} on sim-mini, which fails every attempt, and returns where it fell back to. */
  private RoutedRequest fallBack(RoutedRequest job) throws Exception {
    JobOutcome outcome = processor.process(job, c -> {});
    RoutedRequest next = ((JobOutcome.Forwarded) outcome).next();
    assertThat(next.getDecision().getModel()).isEqualTo("strict");
    return next;
  }

  private RoutedRequest job(boolean dropParams, ModelRef... fallbacks) {
    CompletionRequest request =
        CompletionRequest.newBuilder()
            .setId("params-1")
            .setTeam("t")
            .setModel("sim-mini")
            .setMessages(
                List.of(
                    Message.newBuilder().setRole(Role.USER).setText("Capital of France?").build()))
            .setParameters(Parameters.newBuilder().setTemperature(0.7).setTopP(0.9).build())
            .setRouting(RoutingHints.newBuilder().setDropParams(dropParams).build())
            .build();
    RoutingDecision decision =
        RoutingDecision.newBuilder()
            .setProvider("sim")
            .setModel("sim-mini")
            .setFallbackChain(List.of(fallbacks))
            .setReason("test")
            .setRoutedAt(clock.instant())
            .build();
    return new RoutedRequest(request, decision, List.of());
  }

  private static ModelCatalog catalog() {
    ModelCatalog bundled = ModelCatalog.bundled();
    ModelSpec large = bundled.find("sim", "sim-large").orElseThrow();
    ModelSpec strict =
        new ModelSpec(
            "sim",
            "strict",
            List.of(),
            large.contextWindow(),
            large.maxOutputTokens(),
            large.capabilities(),
            large.prices(),
            null,
            new ParamRules(
                Map.of(), List.of(List.of(Param.TEMPERATURE, Param.TOP_P)), Map.of(), Set.of()));
    return new ModelCatalog(
        bundled.provider("sim").stream().toList(),
        List.of(bundled.find("sim", "sim-mini").orElseThrow(), large, strict));
  }
}

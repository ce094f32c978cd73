package io.promptyard.router.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.catalog.Capability;
import io.promptyard.catalog.ModelCatalog;
import io.promptyard.catalog.ModelSpec;
import io.promptyard.router.TestCatalog;
import io.promptyard.router.validation.RequestValidator;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ModelRef;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.RoutingStrategy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The {@code auto} alias sends a demanding request to the {@code smart} models and the rest to the
 * {@code cheap} ones, says so in the routing reason, and goes to {@code smart} when no cheap model
 * can take the request. In {@link TestCatalog} {@code cheap} is alpha/a-mini, beta/b-mini and
 * gamma/g-mini; {@code smart} is alpha/a-large and beta/b-vision.
 */
class AutoRoutingTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

  private static final String EASY = "Translate into German: 'The meeting is on Thursday.'";
  private static final String HARD =
      "Implement an LRU cache in Java with O(1) get and put, and compare the trade-offs of two"
          + " designs.";

  private static RoutingPolicy policy(ModelCatalog catalog, AutoRouting auto) {
    return new RoutingPolicy(
        catalog,
        RequestValidator.defaults(),
        new RoutingDefaults(
            RoutingStrategy.CHEAPEST, Map.of(), Map.of(), Duration.ofMinutes(2), Set.of(), auto),
        CLOCK);
  }

  private static RoutingPolicy policy() {
    return policy(TestCatalog.catalog(), AutoRouting.standard());
  }

  private static CompletionRequest auto(String team, String text) {
    return auto(team, Message.newBuilder().setRole(Role.USER).setText(text).build());
  }

  private static CompletionRequest auto(String team, Message user) {
    return CompletionRequest.newBuilder()
        .setId("auto-1")
        .setTeam(team)
        .setModel("auto")
        .setMessages(List.of(user))
        .build();
  }

  private static RoutingDecision routed(RoutingOutcome outcome) {
    assertThat(outcome).isInstanceOf(RoutingOutcome.Routed.class);
    return ((RoutingOutcome.Routed) outcome).request().getDecision();
  }

  private static List<String> chosenAndFallbacks(RoutingDecision d) {
    List<String> models = new ArrayList<>();
    models.add(d.getProvider() + "/" + d.getModel());
    for (ModelRef r : d.getFallbackChain()) {
      models.add(r.getProvider() + "/" + r.getModel());
    }
    return models;
  }

  @Test
  void anEasyRequestGoesToTheCheapModelsAndTheReasonSaysWhy() {
    RoutingDecision d = routed(policy().decide(auto("team-a", EASY)));

    assertThat(chosenAndFallbacks(d))
        .containsExactlyInAnyOrder("alpha/a-mini", "beta/b-mini", "gamma/g-mini");
    assertThat(d.getReason())
        .startsWith("auto: cheap (score 0.00 < 0.45: routine task); cheapest of 3 fitting models")
        .contains("for 'cheap'");
  }

  @Test
  void aDemandingRequestGoesToTheSmartModelsAndTheReasonNamesItsSignals() {
    RoutingDecision d = routed(policy().decide(auto("team-a", HARD)));

    assertThat(chosenAndFallbacks(d)).containsExactlyInAnyOrder("alpha/a-large", "beta/b-vision");
    assertThat(d.getReason())
        .startsWith("auto: smart (score 1.00 ≥ 0.45: code, multi-step")
        .contains("fitting models for 'smart'");
  }

  @Test
  void aTeamThresholdOverridesTheDefault() {
    AutoRouting strictForResearch = new AutoRouting(0.45, Map.of("research", 0.0));
    RoutingPolicy policy = policy(TestCatalog.catalog(), strictForResearch);

    assertThat(routed(policy.decide(auto("research", EASY))).getReason())
        .startsWith("auto: smart (score 0.00 ≥ 0.00");
    assertThat(routed(policy.decide(auto("support", EASY))).getReason()).startsWith("auto: cheap");
  }

  @Test
  void anEasyRequestNoCheapModelCanTakeGoesToTheSmartModels() {
    ContentPart text = ContentPart.newBuilder().setType("text").setText("What is this?").build();
    ContentPart image =
        ContentPart.newBuilder()
            .setType("image_url")
            .setImageUrl("https://example.com/cat.png")
            .build();
    Message user = Message.newBuilder().setRole(Role.USER).setParts(List.of(text, image)).build();

    RoutingDecision d = routed(policy().decide(auto("team-a", user)));

    assertThat(d.getModel()).isIn("a-large", "b-vision");
    assertThat(d.getReason())
        .startsWith(
            "auto: cheap (score 0.00 < 0.45: no signals), but no cheap model fits, so smart; ");
  }

  @Test
  void aCatalogWithoutTheChosenAliasRejectsTheRequestNamingIt() {
    ModelCatalog noSmart =
        new ModelCatalog(
            TestCatalog.catalog().providers(),
            TestCatalog.catalog().models().stream()
                .filter(m -> !m.aliases().contains("smart"))
                .toList());

    RoutingOutcome outcome = policy(noSmart, AutoRouting.standard()).decide(auto("team-a", HARD));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            RoutingOutcome.Rejected.class,
            r -> {
              assertThat(r.code()).isEqualTo(ErrorCode.UNKNOWN_MODEL);
              assertThat(r.reason()).startsWith("auto: smart").contains("model 'smart' is not in");
            });
  }

  @Test
  void aCatalogThatAssignsAutoItselfKeepsItsMeaning() {
    List<ModelSpec> models = new ArrayList<>(TestCatalog.catalog().models());
    models.add(
        TestCatalog.model(
            "gamma",
            "g-auto",
            List.of("auto"),
            8_000,
            2_000,
            Set.of(Capability.STREAMING),
            "0.05",
            "0.20"));
    ModelCatalog withAuto = new ModelCatalog(TestCatalog.catalog().providers(), models);

    RoutingDecision d =
        routed(policy(withAuto, AutoRouting.standard()).decide(auto("team-a", HARD)));

    assertThat(d.getModel()).isEqualTo("g-auto");
    assertThat(d.getReason()).doesNotContain("auto: smart");
  }

  @Test
  void aThresholdOutsideZeroToOneIsRefused() {
    assertThatThrownBy(() -> new AutoRouting(1.5, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, 1]");
    assertThatThrownBy(() -> new AutoRouting(0.5, Map.of("search", -0.1)))
        .hasMessageContaining("team search");
  }
}

package io.promptyard.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.router.budget.ReservationSetting;
import io.promptyard.router.routing.AutoRouting;
import io.promptyard.router.routing.RoutingDefaults;
import io.promptyard.schemas.RoutingStrategy;
import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterConfigTest {

  @Test
  void withNothingSetEveryTeamGetsTheCheapestStrategyAndEqualWeights() {
    RoutingDefaults d = RouterConfig.routing(new Settings(Map.of()));

    assertThat(d.strategyOf("anyone")).isEqualTo(RoutingStrategy.CHEAPEST);
    assertThat(d.providerWeights()).isEmpty();
    assertThat(d.healthMaxAge()).isEqualTo(Duration.ofSeconds(120));
    assertThat(d.dropsParams("anyone", false)).isFalse();
    assertThat(d.auto().thresholdOf("anyone")).isEqualTo(AutoRouting.DEFAULT_THRESHOLD);
  }

  @Test
  void theAutoThresholdsAreReadFromTheirKeysAndMustBeBetweenZeroAndOne() {
    RoutingDefaults d =
        RouterConfig.routing(
            new Settings(
                Map.of(
                    "PROMPTYARD_ROUTER_AUTO_THRESHOLD", "0.6",
                    "PROMPTYARD_ROUTER_TEAM_AUTO_THRESHOLDS", "research=0.3, support=0.8")));

    assertThat(d.auto().thresholdOf("research")).isEqualTo(0.3);
    assertThat(d.auto().thresholdOf("support")).isEqualTo(0.8);
    assertThat(d.auto().thresholdOf("other")).isEqualTo(0.6);
    assertThatThrownBy(
            () ->
                RouterConfig.routing(
                    new Settings(Map.of("PROMPTYARD_ROUTER_AUTO_THRESHOLD", "1.5"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_ROUTER_AUTO_THRESHOLD")
        .hasMessageContaining("'1.5'");
    assertThatThrownBy(
            () ->
                RouterConfig.routing(
                    new Settings(
                        Map.of("PROMPTYARD_ROUTER_TEAM_AUTO_THRESHOLDS", "research=high"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_ROUTER_TEAM_AUTO_THRESHOLDS");
  }

  @Test
  void teamStrategiesAndProviderWeightsAreReadFromTheirKeys() {
    RoutingDefaults d =
        RouterConfig.routing(
            new Settings(
                Map.of(
                    "PROMPTYARD_ROUTER_STRATEGY", "weighted",
                    "PROMPTYARD_ROUTER_TEAM_STRATEGIES", "search=lowest-latency, finance=cheapest",
                    "PROMPTYARD_ROUTER_PROVIDER_WEIGHTS", "openai=3,anthropic=1",
                    "PROMPTYARD_ROUTER_HEALTH_MAX_AGE_SECONDS", "30",
                    "PROMPTYARD_ROUTER_TEAM_DROP_PARAMS", "search, batch-jobs")));

    assertThat(d.strategyOf("search")).isEqualTo(RoutingStrategy.LOWEST_LATENCY);
    assertThat(d.strategyOf("finance")).isEqualTo(RoutingStrategy.CHEAPEST);
    assertThat(d.strategyOf("other")).isEqualTo(RoutingStrategy.WEIGHTED);
    assertThat(d.providerWeights())
        .containsExactlyInAnyOrderEntriesOf(Map.of("openai", 3, "anthropic", 1));
    assertThat(d.healthMaxAge()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.dropsParams("batch-jobs", false)).isTrue();
    assertThat(d.dropsParams("finance", false)).isFalse();
    assertThat(d.dropsParams("finance", true)).isTrue();
  }

  @Test
  void budgetReservationsAreOnForADayUnlessTheirKeysSayOtherwise() {
    assertThat(ReservationSetting.from(new Settings(Map.of())))
        .isEqualTo(new ReservationSetting(true, Duration.ofDays(1)));
    assertThat(
            ReservationSetting.from(
                new Settings(
                    Map.of(
                        "PROMPTYARD_ROUTER_BUDGET_RESERVATIONS", "off",
                        "PROMPTYARD_ROUTER_RESERVATION_TTL_MINUTES", "90"))))
        .isEqualTo(new ReservationSetting(false, Duration.ofMinutes(90)));
    assertThatThrownBy(
            () ->
                ReservationSetting.from(
                    new Settings(Map.of("PROMPTYARD_ROUTER_BUDGET_RESERVATIONS", "maybe"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_ROUTER_BUDGET_RESERVATIONS")
        .hasMessageContaining("'maybe'");
  }

  @Test
  void badValuesFailAtStartNamingTheKey() {
    assertThatThrownBy(
            () ->
                RouterConfig.routing(new Settings(Map.of("PROMPTYARD_ROUTER_STRATEGY", "pinned"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_ROUTER_STRATEGY")
        .hasMessageContaining("'pinned'");
    assertThatThrownBy(
            () ->
                RouterConfig.routing(
                    new Settings(Map.of("PROMPTYARD_ROUTER_TEAM_STRATEGIES", "search"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_ROUTER_TEAM_STRATEGIES");
    assertThatThrownBy(
            () ->
                RouterConfig.routing(
                    new Settings(Map.of("PROMPTYARD_ROUTER_PROVIDER_WEIGHTS", "openai=lots"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_ROUTER_PROVIDER_WEIGHTS");
    assertThatThrownBy(
            () ->
                RouterConfig.routing(
                    new Settings(Map.of("PROMPTYARD_ROUTER_PROVIDER_WEIGHTS", "openai=-1"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void commitIntervalAndStreamThreadsComeFromTheEnvironmentAndMustBePositive() {
    RouterConfig defaults = RouterConfig.from(new Settings(Map.of()));
    RouterConfig tuned =
        RouterConfig.from(
            new Settings(
                Map.of(
                    "PROMPTYARD_ROUTER_COMMIT_INTERVAL_MS",
                    "500",
                    "PROMPTYARD_ROUTER_STREAM_THREADS",
                    "2")));

    assertThat(defaults.commitInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(defaults.streamThreads()).isEqualTo(1);
    assertThat(tuned.commitInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(tuned.streamThreads()).isEqualTo(2);
    assertThatThrownBy(
            () -> RouterConfig.from(new Settings(Map.of("PROMPTYARD_ROUTER_STREAM_THREADS", "0"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_ROUTER_STREAM_THREADS");
  }

  @Test
  void theRouterReadsTheSharedTopicsUnlessTeamTopicsAreAskedFor() {
    assertThat(RouterConfig.from(new Settings(Map.of())).ingress()).isEqualTo(Ingress.SHARED);
    assertThat(
            RouterConfig.from(new Settings(Map.of("PROMPTYARD_ROUTER_INGRESS", "Teams"))).ingress())
        .isEqualTo(Ingress.TEAMS);
    assertThatThrownBy(
            () -> RouterConfig.from(new Settings(Map.of("PROMPTYARD_ROUTER_INGRESS", "team"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_ROUTER_INGRESS: 'team' is not shared, teams or both");
  }
}

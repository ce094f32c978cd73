package io.promptyard.worker.moderation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.providers.ModerationProvider;
import io.promptyard.providers.ModerationVerdict;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Output;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.RoutingDecision;
import io.promptyard.schemas.TokenUsage;
import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.Settings;
import io.promptyard.testkit.provider.SimulatedProvider;
import io.promptyard.testkit.provider.SimulatorConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModerationSettingsTest {

  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void withoutAUrlThereIsNoEndpoint() {
    ModerationSettings settings = ModerationSettings.from(new Settings(Map.of()));

    assertThat(settings.url()).isEmpty();
    assertThat(settings.endpoint(Map.of())).isEmpty();
    assertThat(settings.withholdOnError()).isFalse();
  }

  @Test
  void aBadUrlOrOnErrorFailsNamingTheKey() {
    assertThatThrownBy(
            () ->
                ModerationSettings.from(
                    new Settings(Map.of("PROMPTYARD_WORKER_MODERATION_URL", "ftp://x/v1"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROMPTYARD_WORKER_MODERATION_URL=ftp://x/v1");
    assertThatThrownBy(
            () ->
                ModerationSettings.from(
                    new Settings(Map.of("PROMPTYARD_WORKER_MODERATION_ON_ERROR", "ignore"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("allow or withhold");
  }

  @Test
  void theSimulatorsModerationEndpointFlagsItsMarkerAndAFlaggedAnswerIsWithheld() {
    try (SimulatedProvider simulator =
        SimulatedProvider.start(SimulatorConfig.defaults().withApiKey("sk-sim-moderation"))) {
      ModerationSettings settings =
          ModerationSettings.from(
              new Settings(
                  Map.of(
                      "PROMPTYARD_WORKER_MODERATION_URL",
                      simulator.baseUrl(),
                      "PROMPTYARD_WORKER_MODERATION_KEY_ENV",
                      "SIM_KEY")));
      ModerationProvider endpoint =
          settings.endpoint(Map.of("SIM_KEY", "sk-sim-moderation")).orElseThrow();
      try (OutputModeration moderation =
          new OutputModeration(java.util.Optional.of(endpoint), settings.withholdOnError())) {
        String unsafe = "An answer " + SimulatorConfig.DEFAULT_MODERATION_MARKER + " here.";

        CompletionResult calm = moderation.moderate(job("block"), answered("A calm answer."));
        CompletionResult flagged = moderation.moderate(job("flag"), answered(unsafe));
        CompletionResult withheld = moderation.moderate(job("block"), answered(unsafe));

        assertThat(calm.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
        assertThat(calm.getGuard()).isNull();
        assertThat(flagged.getOutput().getText()).isEqualTo(unsafe);
        assertThat(flagged.getGuard())
            .singleElement()
            .satisfies(
                v -> {
                  assertThat(v.getDetector()).isEqualTo("output_moderation");
                  assertThat(v.getAction()).isEqualTo("flag");
                  assertThat(v.getScore()).isEqualTo(0.97);
                });
        assertThat(withheld.getStatus()).isEqualTo(ResultStatus.FAILED);
        assertThat(withheld.getError().getCode()).isEqualTo(ErrorCode.CONTENT_POLICY);
        assertThat(withheld.getError().getMessage()).contains("output_moderation flagged violence");
      }
    }
  }

  @Test
  void aModerationEndpointIsNotAskedWhenTheJobsPolicyModeratesNothing() {
    List<String> asked = new java.util.ArrayList<>();
    ModerationProvider endpoint =
        (id, text) -> {
          asked.add(id);
          return new ModerationVerdict(true, List.of("hate"), 0.9);
        };
    OutputModeration moderation = new OutputModeration(java.util.Optional.of(endpoint), false);

    CompletionResult result = moderation.moderate(job(null), answered("anything"));
    CompletionResult off = moderation.moderate(job("off"), answered("anything"));

    assertThat(result.getGuard()).isNull();
    assertThat(off.getGuard()).isNull();
    assertThat(asked).isEmpty();
  }

  private static RoutedRequest job(String action) {
    return new RoutedRequest(
        CompletionRequest.newBuilder()
            .setId("req-1")
            .setTeam("team-a")
            .setModel("cheap")
            .setMessages(List.of())
            .build(),
        RoutingDecision.newBuilder()
            .setProvider("sim")
            .setModel("sim-mini")
            .setRoutedAt(T0)
            .setOutputModeration(action)
            .build(),
        List.of());
  }

  private static CompletionResult answered(String text) {
    return CompletionResult.newBuilder()
        .setId("req-1")
        .setTeam("team-a")
        .setStatus(ResultStatus.SUCCEEDED)
        .setOutput(Output.newBuilder().setText(text).build())
        .setUsage(new TokenUsage(10L, 5L, 0L, 0L))
        .setCompletedAt(T0)
        .build();
  }
}

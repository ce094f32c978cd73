package io.promptyard.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.CachePolicy;
import io.promptyard.schemas.CacheScope;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.ResponseFormat;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.ToolDefinition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CacheKeyTest {

  private static final String QUESTION = "What is the capital of France?";
  private static final String WEATHER_SCHEMA =
      """
      {"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""";

  @Test
  void cacheKeysStayTheSameAcrossReleasesSoEntriesCachedBeforeAnUpgradeStillHit() {
    // The digest this request had when it was written down (stop 13); a change to how keys are
    // encoded turns every cached answer into a miss, and must be deliberate.
    CacheKey key = CacheKey.of(request().build(), "sim", "sim-mini");

    assertThat(key.redisKey())
        .isEqualTo(
            "promptyard:cache:team%3Ateam-a:sim%2Fsim-mini:fbfa6b49ddae54b92ed135c020a85acbbe87a51c5290b58bd9f23855c70ed79e");
  }

  @Test
  void cacheKeyIsStableForEqualRequests() {
    CompletionRequest first =
        request().setId("r-1").setUser("ada").setTags(Map.of("run", "1")).build();
    CompletionRequest second =
        request()
            .setId("r-2")
            .setUser("grace")
            .setTags(Map.of("run", "2"))
            .setDeadline(Instant.parse("2026-03-01T12:00:00Z"))
            .build();

    CacheKey a = CacheKey.of(first, "sim", "sim-mini");
    CacheKey b = CacheKey.of(second, "sim", "sim-mini");

    assertThat(a).isEqualTo(b);
    assertThat(a.digest()).hasSize(64).matches("[0-9a-f]+");
    assertThat(CacheKey.of(first, "sim", "sim-mini")).isEqualTo(a);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("answerChangingVariations")
  void cacheKeyChangesWithAnyParameterThatChangesTheAnswer(String change, CacheKey changed) {
    CacheKey base = CacheKey.of(request().build(), "sim", "sim-mini");

    assertThat(changed.scope()).isEqualTo(base.scope());
    assertThat(changed.digest()).isNotEqualTo(base.digest());
  }

  static Stream<Arguments> answerChangingVariations() {
    return Stream.of(
        Arguments.of(
            "temperature", changed(r -> r.setParameters(parameters().setTemperature(0.9).build()))),
        Arguments.of("top_p", changed(r -> r.setParameters(parameters().setTopP(0.5).build()))),
        Arguments.of(
            "max tokens", changed(r -> r.setParameters(parameters().setMaxTokens(64).build()))),
        Arguments.of(
            "stop sequence",
            changed(r -> r.setParameters(parameters().setStop(List.of("\n")).build()))),
        Arguments.of("seed", changed(r -> r.setParameters(parameters().setSeed(7L).build()))),
        Arguments.of(
            "a tool offered",
            changed(
                r ->
                    r.setParameters(
                        parameters()
                            .setTools(
                                List.of(
                                    new ToolDefinition(
                                        "get_weather",
                                        "Current weather for a city",
                                        WEATHER_SCHEMA)))
                            .build()))),
        Arguments.of(
            "tool choice",
            changed(r -> r.setParameters(parameters().setToolChoice("none").build()))),
        Arguments.of(
            "json response format",
            changed(
                r ->
                    r.setParameters(
                        parameters()
                            .setResponseFormat(new ResponseFormat("json_object", null, null, false))
                            .build()))),
        Arguments.of(
            "response schema",
            changed(
                r ->
                    r.setParameters(
                        parameters()
                            .setResponseFormat(
                                new ResponseFormat("json_schema", "weather", WEATHER_SCHEMA, true))
                            .build()))),
        Arguments.of("no parameters at all", changed(r -> r.setParameters(null))),
        Arguments.of(
            "message text",
            changed(r -> r.setMessages(List.of(system(), user("What is the capital of Spain?"))))),
        Arguments.of(
            "message role",
            changed(
                r ->
                    r.setMessages(
                        List.of(
                            Message.newBuilder(system()).setRole(Role.DEVELOPER).build(),
                            user(QUESTION))))),
        Arguments.of(
            "another message",
            changed(r -> r.setMessages(List.of(system(), user(QUESTION), user("And of Spain?"))))),
        Arguments.of("model", CacheKey.of(request().build(), "sim", "sim-large")),
        Arguments.of("provider", CacheKey.of(request().build(), "openai", "sim-mini")));
  }

  @Test
  void teamScopeKeepsTeamsApartWhileSharedScopeJoinsThem() {
    CachePolicy shared = CachePolicy.newBuilder().setScope(CacheScope.SHARED).build();

    CacheKey teamA = CacheKey.of(request().setTeam("team-a").build(), "sim", "sim-mini");
    CacheKey teamB = CacheKey.of(request().setTeam("team-b").build(), "sim", "sim-mini");
    CacheKey sharedA =
        CacheKey.of(request().setTeam("team-a").setCache(shared).build(), "sim", "sim-mini");
    CacheKey sharedB =
        CacheKey.of(request().setTeam("team-b").setCache(shared).build(), "sim", "sim-mini");

    assertThat(teamA.scope()).isEqualTo("team:team-a");
    assertThat(teamA.redisKey()).isNotEqualTo(teamB.redisKey());
    assertThat(sharedA.scope()).isEqualTo("shared");
    assertThat(sharedA).isEqualTo(sharedB);
    assertThat(sharedA.redisKey()).isNotEqualTo(teamA.redisKey());
  }

  private static CompletionRequest.Builder request() {
    return CompletionRequest.newBuilder()
        .setId("r")
        .setTeam("team-a")
        .setModel("cheap")
        .setMessages(List.of(system(), user(QUESTION)))
        .setParameters(parameters().build());
  }

  private static Parameters.Builder parameters() {
    return Parameters.newBuilder().setTemperature(0.2).setMaxTokens(256);
  }

  private static Message system() {
    return Message.newBuilder().setRole(Role.SYSTEM).setText("Answer in one sentence.").build();
  }

  private static Message user(String text) {
    return Message.newBuilder().setRole(Role.USER).setText(text).build();
  }

  /** The key of the base request after one change. */
  private static CacheKey changed(UnaryOperator<CompletionRequest.Builder> change) {
    return CacheKey.of(change.apply(request()).build(), "sim", "sim-mini");
  }
}

package io.promptyard.semanticcache;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.schemas.CacheMode;
import io.promptyard.schemas.CachePolicy;
import io.promptyard.schemas.CacheScope;
import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

class SemanticKeyTest {

  @Test
  void onlyTheLastUserMessageIsLeftOutOfTheExactKey() {
    SemanticQuery a = query(request("team-a", "What is the capital of France?"));
    SemanticQuery b = query(request("team-a", "Which city is France's capital?"));

    assertThat(a.key()).isEqualTo(b.key());
    assertThat(a.text()).isEqualTo("What is the capital of France?");
  }

  @Test
  void anEarlierMessageChangesTheKey() {
    CompletionRequest plain = request("team-a", "And its population?");
    CompletionRequest other =
        CompletionRequest.newBuilder(plain)
            .setMessages(
                List.of(
                    message(Role.SYSTEM, "You answer about Germany."),
                    message(Role.USER, "And its population?")))
            .build();

    assertThat(query(plain).key()).isNotEqualTo(query(other).key());
  }

  @Test
  void parametersAndModelChangeTheKey() {
    CompletionRequest plain = request("team-a", "Write a haiku.");
    CompletionRequest hot =
        CompletionRequest.newBuilder(plain)
            .setParameters(Parameters.newBuilder().setTemperature(1.5).build())
            .build();

    assertThat(query(plain).key()).isNotEqualTo(query(hot).key());
    assertThat(SemanticKey.of(plain, "openai", "gpt-4o").orElseThrow().key())
        .isNotEqualTo(SemanticKey.of(plain, "openai", "gpt-4o-mini").orElseThrow().key());
  }

  @Test
  void theKeyIsAlwaysTheTeamsEvenWhenTheRequestAsksForTheSharedScope() {
    CachePolicy shared = new CachePolicy(CacheMode.DEFAULT, null, CacheScope.SHARED, null);
    CompletionRequest a =
        CompletionRequest.newBuilder(request("team-a", "What is the capital of France?"))
            .setCache(shared)
            .build();
    CompletionRequest b =
        CompletionRequest.newBuilder(request("team-b", "What is the capital of France?"))
            .setCache(shared)
            .build();

    assertThat(query(a).key().partition()).isNotEqualTo(query(b).key().partition());
    assertThat(query(a).key().team()).isEqualTo("team-a");
  }

  @Test
  void aQuestionWithAnImageIsNotAnsweredSemantically() {
    Message withImage =
        Message.newBuilder()
            .setRole(Role.USER)
            .setParts(
                List.of(
                    new ContentPart("text", "What is in this picture?", null, null),
                    new ContentPart("image_url", null, "https://example.com/cat.png", null)))
            .build();
    CompletionRequest request =
        CompletionRequest.newBuilder(request("team-a", "ignored"))
            .setMessages(List.of(message(Role.SYSTEM, "Be brief."), withImage))
            .build();

    assertThat(SemanticKey.of(request, "openai", "gpt-4o")).isEmpty();
  }

  @Test
  void aRequestWithoutAUserMessageIsNotAnsweredSemantically() {
    CompletionRequest request =
        CompletionRequest.newBuilder(request("team-a", "ignored"))
            .setMessages(List.of(message(Role.SYSTEM, "Be brief.")))
            .build();

    assertThat(SemanticKey.of(request, "openai", "gpt-4o")).isEmpty();
  }

  private static SemanticQuery query(CompletionRequest request) {
    return SemanticKey.of(request, "openai", "gpt-4o").orElseThrow();
  }

  static CompletionRequest request(String team, String question) {
    return CompletionRequest.newBuilder()
        .setId("req-1")
        .setTeam(team)
        .setModel("gpt-4o")
        .setMessages(List.of(message(Role.SYSTEM, "Be brief."), message(Role.USER, question)))
        .setStream(false)
        .build();
  }

  private static Message message(Role role, String text) {
    return Message.newBuilder().setRole(role).setText(text).build();
  }
}

package io.promptyard.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.CompletionResult;
import io.promptyard.schemas.ErrorCode;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.ResultStatus;
import io.promptyard.schemas.Role;
import io.promptyard.schemas.RoutedRequest;
import io.promptyard.schemas.serde.AvroSerde;
import io.promptyard.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Team ingress topics: a request read from team A's own topic is team A's, whatever its body says;
 * one whose body names another team is refused, billed to no one and routed nowhere.
 */
class TeamIngressTopologyTest {

  private static final Topics TOPICS = Topics.defaults();
  private static final long DOLLAR = 1_000_000;

  private RouterDriver router = new RouterDriver(TestCatalog.catalog(), Ingress.BOTH);

  @AfterEach
  void tearDown() {
    router.close();
  }

  @Test
  void aRequestOnTeamATopicClaimingTeamBIsRejectedAndNeitherBilledNorRouted() {
    router.askOnTeamTopic("team-a", "r-1", "team-b", "alpha/a-mini");

    CompletionResult result = router.results.readValue();
    assertThat(result.getId()).isEqualTo("r-1");
    assertThat(result.getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(result.getError().getMessage())
        .contains("'team-b'")
        .contains("'team-a'")
        .contains(TOPICS.teamRequestsJson("team-a"));
    assertThat(result.getTeam()).as("answered to the topic's team").isEqualTo("team-a");
    assertThat(router.allRouted("alpha", "beta", "gamma")).isEmpty();
    assertThat(router.producedTopicNames())
        .as("the router wrote only the rejection: no route topic, so no call and no usage")
        .containsExactly(TOPICS.results());
  }

  @Test
  void aClaimedTeamIsEscapedInTheRejection() {
    router.askOnTeamTopic("team-a", "r-1", "team-b\\nforged", "alpha/a-mini");

    assertThat(router.results.readValue().getError().getMessage())
        .contains("'team-b\\nforged'")
        .doesNotContain("\n");
  }

  @Test
  void anAvroRequestOnTeamATopicClaimingTeamBIsRejected() {
    router
        .teamAvroIn("team-a")
        .pipeInput(utf8("r-1"), AvroSerde.of(CompletionRequest.class).encode(avro("team-b")));

    CompletionResult result = router.results.readValue();
    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(result.getError().getMessage()).contains(TOPICS.teamRequests("team-a"));
    assertThat(router.allRouted("alpha", "beta", "gamma")).isEmpty();
  }

  @Test
  void aRequestNamingNoTeamIsTheTopicsTeams() {
    router.askOnTeamTopic("team-a", "r-1", null, "alpha/a-mini");
    router
        .teamAvroIn("team-a")
        .pipeInput(utf8("r-2"), AvroSerde.of(CompletionRequest.class).encode(avro("")));

    List<RoutedRequest> routed = router.route("alpha").readValuesToList();
    assertThat(routed)
        .extracting(r -> r.getRequest().getId() + " " + r.getRequest().getTeam())
        .containsExactly("r-1 team-a", "r-2 team-a");
    assertThat(router.results.isEmpty()).isTrue();
  }

  @Test
  void aRequestNamingTheTopicsTeamIsRouted() {
    router.askOnTeamTopic("team-a", "r-1", "team-a", "alpha/a-mini");

    RoutedRequest routed = router.route("alpha").readValue();
    assertThat(routed.getRequest().getTeam()).isEqualTo("team-a");
    assertThat(router.results.isEmpty()).isTrue();
  }

  @Test
  void theBudgetGateCountsTheTopicsTeamNotTheOneTheBodyLeftOut() {
    router.budget("team-a", 50 * DOLLAR, null, 51 * DOLLAR, RouterDriver.NOW);

    router.askOnTeamTopic("team-a", "r-1", null, "cheap");

    CompletionResult result = router.results.readValue();
    assertThat(result.getError().getCode()).isEqualTo(ErrorCode.OVER_BUDGET);
    assertThat(result.getError().getMessage()).startsWith("team team-a has spent $51.00");
  }

  @Test
  void theSharedTopicStillCarriesAnyTeamWhenBothAreRead() {
    router.ask("r-1", "team-b", "alpha/a-mini", "");

    assertThat(router.route("alpha").readValue().getRequest().getTeam()).isEqualTo("team-b");
    assertThat(router.results.isEmpty()).isTrue();
  }

  @Test
  void readingOnlyTeamTopicsTheSharedTopicsAreNotRead() {
    router.close();
    router = new RouterDriver(TestCatalog.catalog(), Ingress.TEAMS);

    assertThatThrownBy(() -> router.ask("r-1", "team-b", "alpha/a-mini", ""))
        .hasMessageContaining("Unknown topic: " + TOPICS.requestsJson());
    router.askOnTeamTopic("team-a", "r-2", null, "alpha/a-mini");
    assertThat(router.route("alpha").readValue().getRequest().getId()).isEqualTo("r-2");
  }

  @Test
  void readingOnlyTheSharedTopicsATeamTopicIsNotRead() {
    router.close();
    router = new RouterDriver(TestCatalog.catalog(), Ingress.SHARED);

    assertThatThrownBy(() -> router.askOnTeamTopic("team-a", "r-1", "team-b", "alpha/a-mini"))
        .hasMessageContaining("Unknown topic: " + TOPICS.teamRequestsJson("team-a"));
  }

  private static CompletionRequest avro(String team) {
    return CompletionRequest.newBuilder()
        .setId("r-2")
        .setTeam(team)
        .setModel("alpha/a-mini")
        .setMessages(List.of(Message.newBuilder().setRole(Role.USER).setText("Say hello").build()))
        .build();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

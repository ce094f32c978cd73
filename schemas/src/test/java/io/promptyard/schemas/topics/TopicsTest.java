package io.promptyard.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.Priority;
import io.promptyard.schemas.RoutingDecision;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void everyTopicNameCarriesTheConfiguredPrefix() {
    Topics topics = new Topics("acme-prod.");

    assertThat(
            List.of(
                topics.requests(),
                topics.requestsJson(),
                topics.route("openai"),
                topics.retry("openai"),
                topics.results(),
                topics.chunks(),
                topics.usage(),
                topics.usageTotals(),
                topics.alerts(),
                topics.deadLetters(),
                topics.providerHealth(),
                topics.budgets(),
                topics.guardPolicies(),
                topics.quotas(),
                topics.templates(),
                topics.semanticCache()))
        .containsExactly(
            "acme-prod.requests",
            "acme-prod.requests.json",
            "acme-prod.route.openai",
            "acme-prod.route.openai.retry",
            "acme-prod.results",
            "acme-prod.chunks",
            "acme-prod.usage",
            "acme-prod.usage.totals",
            "acme-prod.alerts",
            "acme-prod.dlq",
            "acme-prod.provider-health",
            "acme-prod.budgets",
            "acme-prod.guard-policies",
            "acme-prod.quotas",
            "acme-prod.templates",
            "acme-prod.semantic-cache");
  }

  @Test
  void eachTeamHasItsOwnIngressTopicsUnderAPrefixThatEndsInADot() {
    Topics topics = new Topics("acme-prod.");

    assertThat(topics.teamRequests("finance")).isEqualTo("acme-prod.team.finance.requests");
    assertThat(topics.teamRequestsJson("finance"))
        .isEqualTo("acme-prod.team.finance.requests.json");
    assertThat(topics.teamTopicPrefix("fin")).isEqualTo("acme-prod.team.fin.");
    assertThat(topics.teamRequests("finance")).doesNotStartWith(topics.teamTopicPrefix("fin"));
  }

  @Test
  void theTeamOfATopicIsReadBackOnlyFromATeamIngressTopic() {
    Topics topics = new Topics("acme-prod.");

    assertThat(topics.teamOf("acme-prod.team.finance.requests")).contains("finance");
    assertThat(topics.teamOf("acme-prod.team.finance.requests.json")).contains("finance");
    assertThat(topics.teamOf("acme-prod.requests.json")).isEmpty();
    assertThat(topics.teamOf("acme-prod.team.a.b.requests")).isEmpty();
    assertThat(topics.teamOf("other.team.finance.requests")).isEmpty();
    assertThat(topics.teamOf("acme-prod.team.finance.requests.json.x")).isEmpty();
    assertThat(topics.isJsonIngress("acme-prod.team.finance.requests.json")).isTrue();
    assertThat(topics.isJsonIngress("acme-prod.team.finance.requests")).isFalse();
  }

  @Test
  void aTeamNameWithADotCannotHaveItsOwnTopics() {
    Topics topics = Topics.defaults();

    assertThatThrownBy(() -> topics.teamRequests("fin.ance"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'fin.ance'")
        .hasMessageContaining("no dots");
  }

  @Test
  void teamIngressTopicsAreInternalSoNoReplyIsCopiedThere() {
    Topics topics = Topics.defaults();

    assertThat(topics.isInternal(topics.teamRequests("finance"))).isTrue();
    assertThat(topics.isInternal(topics.teamRequestsJson("finance"))).isTrue();
  }

  @Test
  void interactiveLaneAndBudgetStatusCarryThePrefix() {
    Topics topics = new Topics("acme-prod.");

    assertThat(topics.routeInteractive("openai")).isEqualTo("acme-prod.route.openai.interactive");
    assertThat(topics.budgetStatus()).isEqualTo("acme-prod.budget-status");
  }

  @Test
  void aJobTravelsOnTheLaneOfItsDecisionsPriorityAndWaitsOnThatLanesRetryTopic() {
    Topics topics = new Topics("acme-prod.");
    RoutingDecision batch =
        RoutingDecision.newBuilder()
            .setProvider("openai")
            .setModel("gpt-4.1-nano")
            .setRoutedAt(Instant.EPOCH)
            .build();
    RoutingDecision interactive =
        RoutingDecision.newBuilder(batch).setPriority(Priority.INTERACTIVE).build();

    assertThat(
            List.of(
                topics.route(batch),
                topics.retry(batch),
                topics.route(interactive),
                topics.retry(interactive)))
        .containsExactly(
            "acme-prod.route.openai",
            "acme-prod.route.openai.retry",
            "acme-prod.route.openai.interactive",
            "acme-prod.route.openai.interactive.retry");
    assertThat(topics.route("openai", Priority.BATCH)).isEqualTo(topics.route("openai"));
    assertThat(topics.retry("openai", Priority.BATCH)).isEqualTo(topics.retry("openai"));
  }

  @Test
  void defaultsUseThePromptyardPrefix() {
    assertThat(Topics.defaults().requests()).isEqualTo("promptyard.requests");
    assertThat(Topics.defaults().route("anthropic")).isEqualTo("promptyard.route.anthropic");
  }

  @Test
  void anEmptyPrefixIsAllowed() {
    assertThat(new Topics("").results()).isEqualTo("results");
  }

  @Test
  void aPrefixWithCharactersKafkaRejectsIsRefusedAndNamed() {
    for (String bad : List.of("team a.", "acme/", "promptyard:", "ünïcode.")) {
      assertThatThrownBy(() -> new Topics(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void aNullPrefixIsRefused() {
    assertThatThrownBy(() -> new Topics(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("prefix");
  }
}

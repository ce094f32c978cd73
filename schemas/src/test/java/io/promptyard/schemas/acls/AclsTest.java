package io.promptyard.schemas.acls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promptyard.schemas.topics.Topics;
import java.util.List;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class AclsTest {

  private final Acls acls = Acls.of(Topics.defaults());

  @Test
  void aTeamWritesItsOwnIngressPrefixAndReadsAndCreatesItsOwnReplyTopicsOnly() {
    List<AclBinding> team = acls.forTeam("search", "User:search-app");

    assertThat(team)
        .extracting(AclsTest::describe)
        .containsExactlyInAnyOrder(
            "TOPIC PREFIXED promptyard.team.search. WRITE",
            "TOPIC PREFIXED promptyard.team.search. DESCRIBE",
            "TOPIC PREFIXED promptyard.replies.search. READ",
            "TOPIC PREFIXED promptyard.replies.search. DESCRIBE",
            "TOPIC PREFIXED promptyard.replies.search. CREATE");
    assertThat(team)
        .allSatisfy(
            b -> {
              assertThat(b.entry().principal()).isEqualTo("User:search-app");
              assertThat(b.entry().permissionType()).isEqualTo(AclPermissionType.ALLOW);
              assertThat(b.entry().host()).isEqualTo("*");
            });
  }

  @Test
  void aTeamNameThatCouldCoverAnotherTeamsPrefixIsRefused() {
    // "search.eu" would make promptyard.team.search. cover promptyard.team.search.eu.
    assertThatThrownBy(() -> acls.forTeam("search.eu", "User:x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("search.eu");
    assertThatThrownBy(() -> acls.forTeam("", "User:x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCustomTopicPrefixNamesEveryPromptyardTopicOfEveryRole() {
    Acls custom = Acls.of(new Topics("acme."));
    for (Acls.Role role : Acls.Role.values()) {
      assertThat(custom.forRole(role, "User:x", role.defaultId()))
          .filteredOn(b -> b.pattern().resourceType() == ResourceType.TOPIC)
          .filteredOn(b -> !b.pattern().name().equals(role.defaultId()))
          .as(role.name())
          .isNotEmpty()
          .allSatisfy(b -> assertThat(b.pattern().name()).startsWith("acme."));
    }
    assertThat(custom.teamIngressPrefix("search")).isEqualTo("acme.team.search.");
  }

  @Test
  void noServiceMayCreateATopicButKafkaStreamsInternalOnes() {
    for (Acls.Role role : List.of(Acls.Role.ROUTER, Acls.Role.WORKER, Acls.Role.AGGREGATOR)) {
      assertThat(acls.forRole(role, "User:x", "app-id"))
          .filteredOn(b -> b.entry().operation() == AclOperation.CREATE)
          .as(role.name())
          .allSatisfy(
              b -> {
                assertThat(b.pattern().name()).isEqualTo("app-id");
                assertThat(b.pattern().patternType()).isEqualTo(PatternType.PREFIXED);
              });
    }
  }

  @Test
  void streamsServicesGetTheirGroupAndTransactionalIdsUnderTheirApplicationId() {
    for (Acls.Role role : List.of(Acls.Role.ROUTER, Acls.Role.AGGREGATOR)) {
      assertThat(acls.forRole(role, "User:x", "my-app"))
          .extracting(AclsTest::describe)
          .as(role.name())
          .contains("GROUP LITERAL my-app READ", "TRANSACTIONAL_ID PREFIXED my-app WRITE");
    }
  }

  @Test
  void everyRoleGrantsEachBindingOnceAsTheBrokerStoresThem() {
    for (Acls.Role role : Acls.Role.values()) {
      assertThat(acls.forRole(role, "User:x", "app")).as(role.name()).doesNotHaveDuplicates();
    }
  }

  @Test
  void theAggregatorAndTheRouterCreateTopicsOnlyForTheirStateStores() {
    assertThat(acls.forRole(Acls.Role.AGGREGATOR, "User:x", "agg"))
        .extracting(AclsTest::describe)
        .contains("TOPIC PREFIXED agg CREATE", "TOPIC PREFIXED agg WRITE");
    // the router's budget reservations are changelogged
    assertThat(acls.forRole(Acls.Role.ROUTER, "User:x", "rtr"))
        .extracting(AclsTest::describe)
        .contains("TOPIC PREFIXED rtr CREATE", "TOPIC PREFIXED rtr WRITE");
    assertThat(acls.forRole(Acls.Role.WORKER, "User:x", "wrk"))
        .extracting(AclsTest::describe)
        .noneMatch(acl -> acl.endsWith(" CREATE"));
  }

  @Test
  void theWorkerReadsRouteTopicsAndSetsItsShareGroupsStartOffset() {
    assertThat(acls.forRole(Acls.Role.WORKER, "User:w", "workers"))
        .extracting(AclsTest::describe)
        .contains(
            "TOPIC PREFIXED promptyard.route. READ",
            "TOPIC LITERAL promptyard.usage WRITE",
            "GROUP LITERAL workers READ",
            "GROUP LITERAL workers ALTER_CONFIGS",
            "GROUP LITERAL workers-retry READ")
        .doesNotContain("TOPIC LITERAL promptyard.requests.json READ");
  }

  @Test
  void onlyTheRouterReadsTheIngressTopics() {
    for (Acls.Role role : List.of(Acls.Role.WORKER, Acls.Role.AGGREGATOR)) {
      assertThat(acls.forRole(role, "User:x", role.defaultId()))
          .extracting(b -> b.pattern().name())
          .doesNotContain("promptyard.requests", "promptyard.requests.json");
    }
    assertThat(acls.forRole(Acls.Role.ROUTER, "User:r", "promptyard-router"))
        .extracting(AclsTest::describe)
        .contains(
            "TOPIC LITERAL promptyard.requests READ",
            "TOPIC LITERAL promptyard.requests.json READ",
            "TOPIC PREFIXED promptyard.team. READ",
            "TOPIC LITERAL promptyard.replays READ");
  }

  @Test
  void theOperatorGetsEveryTopicUnderThePrefixAndTheClustersAcls() {
    assertThat(acls.forRole(Acls.Role.OPERATOR, "User:ops", ""))
        .extracting(AclsTest::describe)
        .containsExactlyInAnyOrder(
            "TOPIC PREFIXED promptyard. ALL",
            "CLUSTER LITERAL kafka-cluster DESCRIBE",
            "CLUSTER LITERAL kafka-cluster ALTER");
    assertThat(Acls.of(new Topics("")).forRole(Acls.Role.OPERATOR, "User:ops", ""))
        .extracting(AclsTest::describe)
        .contains("TOPIC LITERAL * ALL");
  }

  @Test
  void aPrincipalWithoutItsTypeIsRefused() {
    assertThatThrownBy(() -> acls.forTeam("search", "search-app")).hasMessageContaining("User:");
  }

  private static String describe(AclBinding b) {
    return b.pattern().resourceType()
        + " "
        + b.pattern().patternType()
        + " "
        + b.pattern().name()
        + " "
        + b.entry().operation();
  }
}

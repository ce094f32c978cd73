package io.promptyard.cli.topics;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AclsCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli =
        Main.commandLine(Map.of("PROMPTYARD_TOPIC_PREFIX", "acme.", "HOME", "/nonexistent"));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void teamAclsPrintAsKafkaAclsArgumentsUnderTheTopicPrefix() {
    assertThat(run("topics", "acls", "--team", "search", "--principal", "User:search-app"))
        .isZero();

    assertThat(out.toString().lines())
        .containsExactlyInAnyOrder(
            "--allow-principal User:search-app --operation Write --topic acme.team.search."
                + " --resource-pattern-type prefixed",
            "--allow-principal User:search-app --operation Describe --topic acme.team.search."
                + " --resource-pattern-type prefixed",
            "--allow-principal User:search-app --operation Read --topic acme.replies.search."
                + " --resource-pattern-type prefixed",
            "--allow-principal User:search-app --operation Describe --topic acme.replies.search."
                + " --resource-pattern-type prefixed",
            "--allow-principal User:search-app --operation Create --topic acme.replies.search."
                + " --resource-pattern-type prefixed");
  }

  @Test
  void aServiceRunsUnderItsConfiguredId() {
    assertThat(
            run(
                "topics",
                "acls",
                "--service",
                "Router",
                "--id",
                "router-eu",
                "--principal",
                "User:router"))
        .isZero();

    assertThat(out.toString().lines())
        .contains(
            "--allow-principal User:router --operation Read --group router-eu"
                + " --resource-pattern-type literal",
            "--allow-principal User:router --operation Write --transactional-id router-eu"
                + " --resource-pattern-type prefixed");
  }

  @Test
  void teamAndServiceTogetherAreRefused() {
    assertThat(run("topics", "acls", "--team", "a", "--service", "worker", "--principal", "User:x"))
        .isNotZero();
    assertThat(err.toString()).contains("mutually exclusive");
  }

  @Test
  void anUnknownRoleNamesTheRoles() {
    assertThat(run("topics", "acls", "--service", "janitor", "--principal", "User:x")).isNotZero();
    assertThat(err.toString()).contains("router, worker, aggregator or operator");
  }
}

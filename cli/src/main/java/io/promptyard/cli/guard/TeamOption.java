package io.promptyard.cli.guard;

import picocli.CommandLine.Option;

/** The {@code --team} that {@code guard policy set} and {@code clear} change the policy of. */
final class TeamOption {

  @Option(
      names = "--team",
      required = true,
      paramLabel = "TEAM",
      description = "the team, as requests name it")
  String team;

  /** The team given, which must not be blank. */
  String team() {
    if (team.isBlank()) {
      throw new IllegalArgumentException("--team must not be blank");
    }
    return team;
  }
}

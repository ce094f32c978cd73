package io.promptyard.cli.usage;

import picocli.CommandLine.Parameters;

/**
 * The {@code TEAM} that {@code budget set}, {@code quota set} and {@code quota clear} change the
 * record of.
 */
final class TeamParameter {

  @Parameters(paramLabel = "TEAM", description = "the team, as requests name it in metadata.team")
  String team;

  /** The team given, which must not be blank. */
  String team() {
    if (team.isBlank()) {
      throw new IllegalArgumentException("TEAM must not be blank");
    }
    return team;
  }
}

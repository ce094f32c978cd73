package io.promptyard.schemas.http;

import java.util.Objects;

/**
 * What a caller of a service's HTTP endpoints may read, decided by its bearer token: everything
 * (the full-access token, or anyone when no token is configured), or one team's usage only.
 */
public sealed interface Access {

  /** Every team's data and the operations endpoints. */
  Access FULL = new Full();

  /** Whether this caller may read {@code team}'s data. */
  boolean mayRead(String team);

  /**
   * Whether this caller may read what spans teams (every team's list, provider totals, metrics).
   */
  boolean allTeams();

  /** Every team's data and the operations endpoints ({@code /metrics}). */
  record Full() implements Access {
    @Override
    public boolean mayRead(String team) {
      return true;
    }

    @Override
    public boolean allTeams() {
      return true;
    }
  }

  /** One team's usage, totals, budget status and alerts, and nothing that spans teams. */
  record Team(String team) implements Access {
    public Team {
      Objects.requireNonNull(team, "team");
    }

    @Override
    public boolean mayRead(String other) {
      return team.equals(other);
    }

    @Override
    public boolean allTeams() {
      return false;
    }
  }
}

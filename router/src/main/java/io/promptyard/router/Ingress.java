package io.promptyard.router;

import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.ConfigKey;
import java.util.Locale;

/**
 * Which request topics the router reads: the shared ingress topics, where a request's body names
 * its team, each team's own ingress topics, where the topic does (and Kafka ACLs decide who may
 * write it), or both while producers move from one to the other.
 */
public enum Ingress {
  /** {@code <prefix>requests} and {@code <prefix>requests.json} only. */
  SHARED,
  /** Every {@code <prefix>team.<team>.requests[.json]}, including teams added later. */
  TEAMS,
  /** The shared topics and every team's. */
  BOTH;

  public static final ConfigKey KEY =
      new ConfigKey(
          "PROMPTYARD_ROUTER_INGRESS",
          "shared",
          "request topics the router reads: shared (<prefix>requests[.json]), teams (each"
              + " <prefix>team.<team>.requests[.json], the topic's team billed) or both");

  /** Whether the shared request topics are read. */
  public boolean readsShared() {
    return this != TEAMS;
  }

  /** Whether every team's request topics are read. */
  public boolean readsTeams() {
    return this != SHARED;
  }

  /** Parses a {@link #KEY} value, case-insensitively. */
  public static Ingress parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          KEY.name() + ": '" + value + "' is not shared, teams or both: " + KEY.doc());
    }
  }
}

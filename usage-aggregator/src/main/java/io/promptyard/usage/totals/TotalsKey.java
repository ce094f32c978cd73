package io.promptyard.usage.totals;

import io.promptyard.schemas.usage.Period;
import java.time.Instant;

/**
 * Store keys of totals, built so that one team's rows (or one model's) sort together in time order:
 * {@code team|acme|day|2026-11-23}, {@code team-model|acme|openai/gpt-4o-mini|month|2026-11},
 * {@code provider-model|openai/gpt-4o-mini|hour|2026-11-23T10}. A {@code |} inside a name is
 * written {@code %7C}.
 */
public final class TotalsKey {

  public static final String TEAM = "team";
  public static final String TEAM_MODEL = "team-model";
  public static final String PROVIDER_MODEL = "provider-model";

  private TotalsKey() {}

  public static String team(String team, Period period, Instant at) {
    return team(team, period, period.format(at));
  }

  /**
   * The key of a team's totals in the period labelled {@code label} (see {@link Period#format}).
   */
  public static String team(String team, Period period, String label) {
    return TEAM + "|" + escape(team) + "|" + period.label() + "|" + label;
  }

  public static String teamModel(
      String team, String provider, String model, Period period, Instant at) {
    return teamModel(team, provider, model, period, period.format(at));
  }

  public static String teamModel(
      String team, String provider, String model, Period period, String label) {
    return teamModelPrefix(team)
        + escape(provider + "/" + model)
        + "|"
        + period.label()
        + "|"
        + label;
  }

  public static String providerModel(String provider, String model, Period period, Instant at) {
    return providerModel(provider, model, period, period.format(at));
  }

  public static String providerModel(String provider, String model, Period period, String label) {
    return PROVIDER_MODEL
        + "|"
        + escape(provider + "/" + model)
        + "|"
        + period.label()
        + "|"
        + label;
  }

  /**
   * The key of a team's totals under one value of a {@link Breakdown}, e.g. {@code
   * team-tag|acme|feature=search|day|2026-11-23}.
   */
  public static String breakdown(
      String team, Breakdown dimension, String value, Period period, String label) {
    return breakdownPrefix(team, dimension) + escape(value) + "|" + period.label() + "|" + label;
  }

  /** The prefix of every row of one team under one {@link Breakdown}. */
  public static String breakdownPrefix(String team, Breakdown dimension) {
    return dimension.dimension() + "|" + escape(team) + "|";
  }

  /** The prefix of every row of one team and period, e.g. {@code team|acme|day|}. */
  public static String teamPrefix(String team, Period period) {
    return TEAM + "|" + escape(team) + "|" + period.label() + "|";
  }

  /** The prefix of every team × model row of one team. */
  public static String teamModelPrefix(String team) {
    return TEAM_MODEL + "|" + escape(team) + "|";
  }

  /** The last two parts of a key: its period and the period's label. */
  public static boolean isPeriod(String key, Period period, String label) {
    return key.endsWith("|" + period.label() + "|" + label);
  }

  public static String escape(String part) {
    return part.indexOf('|') < 0 && part.indexOf('%') < 0
        ? part
        : part.replace("%", "%25").replace("|", "%7C");
  }
}

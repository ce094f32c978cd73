package io.promptyard.usage.guard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.schemas.usage.Period;
import io.promptyard.usage.totals.TotalsKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * How many requests of one team a guard detector acted on in one way over one period, and how many
 * values it found in them: a row of the guard verdict counts, as stored and as the query API shows
 * it. Rows are partial: results are partitioned by request id, so each partition counts its share
 * of a team's requests and queries add the shares up ({@link #plus}).
 *
 * @param period {@code day} or {@code month}
 * @param at the period's label ({@code 2026-12-07}, {@code 2026-12})
 * @param team the team the router settled for the request
 * @param detector the detector's policy name ({@code email}, {@code secret}, {@code injection}…)
 * @param action {@code flag}, {@code redact} or {@code block}
 * @param requests requests whose result carries this detector's verdict with this action
 * @param findings values (or injection messages) the detector found in them
 */
public record GuardCount(
    String period,
    String at,
    String team,
    String detector,
    String action,
    long requests,
    long findings) {

  /** The periods verdicts are counted over. */
  public static final Set<Period> PERIODS = Set.of(Period.DAY, Period.MONTH);

  /** The actions a verdict may carry; {@code off} never reaches a result. */
  public static final Set<String> ACTIONS = Set.of("flag", "redact", "block");

  /**
   * The shape of a detector name this aggregator stores: the names of the guardrails' detectors and
   * of any a later router adds, but no producer-sized text.
   */
  private static final Pattern DETECTOR_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Why a verdict's detector and action cannot be counted, or null when they can. */
  public static String problem(String detector, String action) {
    if (detector == null || !DETECTOR_NAME.matcher(detector).matches()) {
      return "a detector name that is not one (lowercase letters, digits, - and _, at most 32)";
    }
    if (!ACTIONS.contains(action)) {
      return "an action other than flag, redact or block";
    }
    return null;
  }

  /** A row with nothing counted yet. */
  public static GuardCount empty(
      Period period, String at, String team, String detector, String action) {
    return new GuardCount(period.label(), at, team, detector, action, 0, 0);
  }

  /** This row with one more request holding {@code findings} values. */
  public GuardCount plusRequest(long findings) {
    return new GuardCount(
        period, at, team, detector, action, requests + 1, this.findings + Math.max(0, findings));
  }

  /** This row and another share of the same row added up. */
  public GuardCount plus(GuardCount other) {
    return new GuardCount(
        period, at, team, detector, action, requests + other.requests, findings + other.findings);
  }

  /** The store key of this row. */
  public String key() {
    return key(Period.of(period), at, team, detector, action);
  }

  /**
   * The store key of a row: {@code day|2026-12-07|acme|email|redact}, so that every row of one
   * period sorts together ({@link #prefix}).
   */
  public static String key(Period period, String at, String team, String detector, String action) {
    return prefix(period, at) + TotalsKey.escape(team) + "|" + detector + "|" + action;
  }

  /** The prefix of the keys of every row of one period. */
  public static String prefix(Period period, String at) {
    return period.label() + "|" + at + "|";
  }

  /** Rows added up by key (shares of one row from several partitions or instances). */
  public static Map<String, GuardCount> merged(Iterable<GuardCount> rows) {
    Map<String, GuardCount> merged = new TreeMap<>();
    for (GuardCount row : rows) {
      merged.merge(row.key(), row, GuardCount::plus);
    }
    return merged;
  }

  /** The store's serde: a row as JSON. */
  public static Serde<GuardCount> serde() {
    return Serdes.serdeFrom(
        (topic, row) -> {
          try {
            return row == null ? null : JSON.writeValueAsBytes(row);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        (topic, bytes) -> {
          try {
            return bytes == null ? null : JSON.readValue(bytes, GuardCount.class);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}

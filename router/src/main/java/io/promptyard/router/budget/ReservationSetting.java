package io.promptyard.router.budget;

import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.ConfigKey;
import io.promptyard.schemas.config.Settings;
import java.time.Duration;
import java.util.List;

/**
 * Whether the router reserves each routed request's maximum cost against its team's budget (see
 * {@link ReservationBook}), and how long a reservation that nothing settles is kept.
 *
 * @param on reservations are made; off, the router only compares the spend reported so far with the
 *     limit
 * @param ttl a reservation neither settled by the aggregator nor released by a zero-cost result
 *     within this time of its request's routing is dropped (the last resort: see docs/USAGE.md)
 */
public record ReservationSetting(boolean on, Duration ttl) {

  public static final ConfigKey KEY =
      new ConfigKey(
          "PROMPTYARD_ROUTER_BUDGET_RESERVATIONS",
          "on",
          "on: the router reserves each routed request's maximum cost (and tokens) against its team's"
              + " budget until the aggregator settles it; off: it compares only reported spend with"
              + " the limit");
  public static final ConfigKey TTL_MINUTES =
      new ConfigKey(
          "PROMPTYARD_ROUTER_RESERVATION_TTL_MINUTES",
          "1440",
          "a budget reservation that nothing settles is dropped this many minutes after its"
              + " request was routed");

  /** The router's keys for reservations. */
  public static final List<ConfigKey> KEYS = List.of(KEY, TTL_MINUTES);

  /** Reservations on, kept for at most a day. */
  public static final ReservationSetting DEFAULT = new ReservationSetting(true, Duration.ofDays(1));

  /** No reservations. */
  public static final ReservationSetting OFF = new ReservationSetting(false, Duration.ofDays(1));

  public ReservationSetting {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new ConfigException(TTL_MINUTES.name() + " must be positive, not " + ttl.toMinutes());
    }
  }

  /** The setting from {@link #KEY} and {@link #TTL_MINUTES}. */
  public static ReservationSetting from(Settings s) {
    String value = s.require(KEY).trim();
    boolean on =
        switch (value) {
          case "on" -> true;
          case "off" -> false;
          default ->
              throw new ConfigException(KEY.name() + " must be on or off, not '" + value + "'");
        };
    return new ReservationSetting(on, Duration.ofMinutes(s.intValue(TTL_MINUTES, 1)));
  }
}

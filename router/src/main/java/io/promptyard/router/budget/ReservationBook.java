package io.promptyard.router.budget;

import io.promptyard.router.routing.BudgetGate;
import io.promptyard.schemas.Budget;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The router's budget reservations, in two stores of one stream task that sees all of a team's
 * requests and settlements in order: each request id's reservation, and each team's reserved sums
 * with the spend its last settlement reported. A request is refused when the team's spend, what its
 * requests in flight hold and this request's maximum would pass its monthly limit (money, and
 * tokens when it has a token limit); otherwise its maximum is reserved until the aggregator's
 * settlement of it — which brings the spend that includes its real cost in the same step — or a
 * zero-cost result releases it, or it expires.
 */
public final class ReservationBook {

  /** What becomes of a request at the gate. */
  public sealed interface Verdict {
    /** Its maximum is reserved; it may go on. */
    record Reserved() implements Verdict {}

    /** It would pass the team's limit; {@code reason} says by what, in dollars or tokens. */
    record Refused(String reason) implements Verdict {}
  }

  private static final Verdict RESERVED = new Verdict.Reserved();

  private final KeyValueStore<String, byte[]> reservations;
  private final KeyValueStore<String, byte[]> standings;

  public ReservationBook(
      KeyValueStore<String, byte[]> reservations, KeyValueStore<String, byte[]> standings) {
    this.reservations = reservations;
    this.standings = standings;
  }

  /**
   * Reserves {@code max} for request {@code id} of {@code team}, made at {@code at}, against {@code
   * budget}, or refuses it. Before the first settlement of the request's month, the team's spend is
   * the one its budget status reports. A request id reserved before gives up its old reservation
   * first.
   */
  public Verdict reserve(
      String id, String team, Instant at, MaximumCost max, Budget budget, Instant expiresAt) {
    release(id);
    TeamStanding standing = TeamStanding.decode(standings.get(team));
    YearMonth month = YearMonth.from(at.atZone(ZoneOffset.UTC));
    long spent;
    long tokens;
    if (month.equals(standing.settledMonth())) {
      spent = standing.spentMicros();
      tokens = standing.spentTokens();
    } else {
      boolean reported =
          !YearMonth.from(budget.getUpdatedAt().atZone(ZoneOffset.UTC)).isBefore(month);
      spent = reported ? budget.getSpentThisMonthMicros() : 0;
      tokens = reported ? budget.getTokensThisMonth() : 0;
    }
    long limit = budget.getMonthlyLimitMicros();
    if (spent + standing.reservedMicros() + max.micros() > limit) {
      return new Verdict.Refused(
          "team "
              + team
              + " has spent "
              + BudgetGate.dollars(spent)
              + " and holds "
              + BudgetGate.dollars(standing.reservedMicros())
              + " for requests in flight, of its monthly limit of "
              + BudgetGate.dollars(limit)
              + " in "
              + month
              + " (UTC), and this request may cost up to "
              + BudgetGate.dollars(max.micros())
              + "; requests are refused until requests in flight settle, the limit is raised or the"
              + " month ends");
    }
    Long tokenLimit = budget.getMonthlyTokenLimit();
    if (tokenLimit != null && tokens + standing.reservedTokens() + max.tokens() > tokenLimit) {
      return new Verdict.Refused(
          "team "
              + team
              + " has used "
              + tokens
              + " tokens and holds "
              + standing.reservedTokens()
              + " for requests in flight, of its monthly limit of "
              + tokenLimit
              + " tokens in "
              + month
              + " (UTC), and this request may use up to "
              + max.tokens()
              + "; requests are refused until requests in flight settle, the limit is raised or the"
              + " month ends");
    }
    Reservation r = new Reservation(team, max.micros(), max.tokens(), expiresAt.toEpochMilli());
    reservations.put(id, r.encode());
    standings.put(team, standing.reserving(r).encode());
    return RESERVED;
  }

  /**
   * Adopts the spend and tokens the aggregator reports for {@code team} in {@code month}, which
   * include request {@code id}'s real cost, and drops that request's reservation in the same step.
   */
  public void settle(String team, String id, YearMonth month, long spent, long tokens) {
    release(id);
    TeamStanding standing = TeamStanding.decode(standings.get(team));
    standings.put(team, standing.adopting(month, spent, tokens).encode());
  }

  /** Drops request {@code id}'s reservation, if it has one; whether it had. */
  public boolean release(String id) {
    byte[] raw = reservations.get(id);
    if (raw == null) {
      return false;
    }
    reservations.delete(id);
    drop(Reservation.decode(raw));
    return true;
  }

  /** Drops the reservations expired at {@code now}; the ids of those dropped. */
  public List<String> expire(Instant now) {
    List<String> expired = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> all = reservations.all()) {
      while (all.hasNext()) {
        KeyValue<String, byte[]> e = all.next();
        if (Reservation.decode(e.value).expiresAtMillis() <= now.toEpochMilli()) {
          expired.add(e.key);
        }
      }
    }
    expired.forEach(this::release);
    return expired;
  }

  /** What the live reservations of a team whose standing is stored as {@code raw} hold. */
  public static long reservedMicros(byte[] raw) {
    return TeamStanding.decode(raw).reservedMicros();
  }

  private void drop(Reservation r) {
    TeamStanding standing = TeamStanding.decode(standings.get(r.team()));
    standings.put(r.team(), standing.releasing(r).encode());
  }
}

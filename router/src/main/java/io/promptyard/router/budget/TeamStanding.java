package io.promptyard.router.budget;

import java.time.YearMonth;

/**
 * A team's spend as the last settlement read gave it, and what its live reservations hold.
 *
 * @param settledMonth the UTC month of the last settlement read, or null before the first
 * @param spentMicros the team's spend in {@code settledMonth}, that settlement's request included
 * @param spentTokens the team's tokens in {@code settledMonth}
 * @param reservedMicros the sum of the team's live reservations
 * @param reservedTokens the tokens its live reservations hold
 */
record TeamStanding(
    YearMonth settledMonth,
    long spentMicros,
    long spentTokens,
    long reservedMicros,
    long reservedTokens) {

  static final TeamStanding NONE = new TeamStanding(null, 0, 0, 0, 0);

  TeamStanding reserving(Reservation r) {
    return new TeamStanding(
        settledMonth,
        spentMicros,
        spentTokens,
        reservedMicros + r.micros(),
        reservedTokens + r.tokens());
  }

  TeamStanding releasing(Reservation r) {
    return new TeamStanding(
        settledMonth,
        spentMicros,
        spentTokens,
        reservedMicros - r.micros(),
        reservedTokens - r.tokens());
  }

  /**
   * This standing with the spend a settlement of {@code month} reports; a settlement of an earlier
   * month than the one already read changes nothing, and within a month spend never goes down.
   */
  TeamStanding adopting(YearMonth month, long spent, long tokens) {
    if (settledMonth != null && month.isBefore(settledMonth)) {
      return this;
    }
    boolean same = month.equals(settledMonth);
    return new TeamStanding(
        month,
        same ? Math.max(spentMicros, spent) : spent,
        same ? Math.max(spentTokens, tokens) : tokens,
        reservedMicros,
        reservedTokens);
  }

  byte[] encode() {
    return StoreBytes.write(
        out -> {
          out.writeUTF(settledMonth == null ? "" : settledMonth.toString());
          out.writeLong(spentMicros);
          out.writeLong(spentTokens);
          out.writeLong(reservedMicros);
          out.writeLong(reservedTokens);
        });
  }

  static TeamStanding decode(byte[] raw) {
    if (raw == null) {
      return NONE;
    }
    return StoreBytes.read(
        raw,
        in -> {
          String month = in.readUTF();
          return new TeamStanding(
              month.isEmpty() ? null : YearMonth.parse(month),
              in.readLong(),
              in.readLong(),
              in.readLong(),
              in.readLong());
        });
  }
}

package io.promptyard.schemas.money;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money as integer micro-dollars: exact formatting for people and exact parsing of dollar amounts
 * they type.
 */
public final class MicroDollars {

  /** Micro-dollars in one dollar. */
  public static final long PER_DOLLAR = 1_000_000L;

  private MicroDollars() {}

  /** {@code 1234567891} as {@code $1,234.567891}: every digit kept, nothing rounded. */
  public static String format(long micros) {
    long abs = Math.abs(micros);
    return (micros < 0 ? "-" : "")
        + "$"
        + String.format("%,d", abs / PER_DOLLAR)
        + "."
        + String.format("%06d", abs % PER_DOLLAR);
  }

  /**
   * Parses a dollar amount such as {@code 250}, {@code 250.00} or {@code $1,250.5} into
   * micro-dollars.
   *
   * @throws IllegalArgumentException when it is not a non-negative amount with at most six decimals
   */
  public static long parse(String dollars) {
    String s = dollars.trim().replace(",", "");
    if (s.startsWith("$")) {
      s = s.substring(1);
    }
    BigDecimal amount;
    try {
      amount = new BigDecimal(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + dollars + "' is not a dollar amount (write it like 250.00)");
    }
    if (amount.signum() < 0) {
      throw new IllegalArgumentException(
          "'" + dollars + "' is negative; amounts must be zero or more");
    }
    try {
      return amount.movePointRight(6).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "'" + dollars + "' has more than six decimals or is too large");
    }
  }

  /**
   * Whole percent of {@code limitMicros} that {@code spentMicros} is, rounded down; a zero limit is
   * 100% once anything is spent.
   */
  public static long percentOf(long spentMicros, long limitMicros) {
    if (limitMicros <= 0) {
      return spentMicros > 0 ? 100 : 0;
    }
    return java.math.BigInteger.valueOf(spentMicros)
        .multiply(java.math.BigInteger.valueOf(100))
        .divide(java.math.BigInteger.valueOf(limitMicros))
        .longValue();
  }
}

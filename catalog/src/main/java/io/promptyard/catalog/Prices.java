package io.promptyard.catalog;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;

/**
 * A model's prices in integer micro-dollars per million tokens, and the day they were read from the
 * provider's pricing page. Cost arithmetic is exact integer arithmetic, rounded once per call.
 */
public record Prices(
    long inputPerMillion, long cachedInputPerMillion, long outputPerMillion, LocalDate readOn) {

  private static final BigDecimal MICROS_PER_DOLLAR = BigDecimal.valueOf(1_000_000);

  public Prices {
    if (inputPerMillion < 0 || cachedInputPerMillion < 0 || outputPerMillion < 0) {
      throw new IllegalArgumentException("prices cannot be negative");
    }
  }

  /**
   * Converts a dollar amount such as {@code 0.15} (dollars per million tokens) to micro-dollars,
   * exactly.
   */
  public static long dollarsToMicros(BigDecimal dollars) {
    BigDecimal micros = dollars.multiply(MICROS_PER_DOLLAR);
    try {
      return micros.setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "price $" + dollars.toPlainString() + " is finer than a micro-dollar per million tokens");
    }
  }

  /**
   * The cost of one call in micro-dollars: uncached input, cached input and output tokens at their
   * prices, summed and then rounded half-up once.
   */
  public long costMicros(Usage usage) {
    long cached = Math.min(usage.cachedInputTokens(), usage.inputTokens());
    long uncached = usage.inputTokens() - cached;
    long picoSum =
        Math.addExact(
            Math.addExact(
                Math.multiplyExact(uncached, inputPerMillion),
                Math.multiplyExact(cached, cachedInputPerMillion)),
            Math.multiplyExact(usage.outputTokens(), outputPerMillion));
    return (picoSum + 500_000) / 1_000_000;
  }
}

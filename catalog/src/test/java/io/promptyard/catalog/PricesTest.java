package io.promptyard.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class PricesTest {

  private static final LocalDate READ_ON = LocalDate.parse("2025-10-01");

  private static Prices prices(String input, String cachedInput, String output) {
    return new Prices(
        Prices.dollarsToMicros(new BigDecimal(input)),
        Prices.dollarsToMicros(new BigDecimal(cachedInput)),
        Prices.dollarsToMicros(new BigDecimal(output)),
        READ_ON);
  }

  @Test
  void dollarsPerMillionTokensBecomeExactMicroDollars() {
    assertThat(Prices.dollarsToMicros(new BigDecimal("0.15"))).isEqualTo(150_000);
    assertThat(Prices.dollarsToMicros(new BigDecimal("0.025"))).isEqualTo(25_000);
    assertThat(Prices.dollarsToMicros(new BigDecimal("10.00"))).isEqualTo(10_000_000);
    assertThat(Prices.dollarsToMicros(new BigDecimal("0.000001"))).isEqualTo(1);
  }

  @Test
  void priceFinerThanAMicroDollarIsRejected() {
    assertThatThrownBy(() -> Prices.dollarsToMicros(new BigDecimal("0.0000001")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0.0000001");
  }

  @Test
  void oneMillionInputTokensAtFifteenCentsCost150000Micros() {
    assertThat(prices("0.15", "0.075", "0.60").costMicros(new Usage(1_000_000, 0, 0, 0)))
        .isEqualTo(150_000);
  }

  @Test
  void inputCachedInputAndOutputAreEachChargedAtTheirPrice() {
    // 1,000 uncached input at $2.50/M = 2,500 µ$; 3,000 cached at $1.25/M = 3,750 µ$; 500 output at
    // $10/M = 5,000 µ$.
    Usage usage = new Usage(4_000, 500, 3_000, 0);

    assertThat(prices("2.50", "1.25", "10.00").costMicros(usage)).isEqualTo(11_250);
  }

  @Test
  void roundingIsHalfUpAndHappensOnceOnTheSum() {
    Prices p = prices("0.10", "0.10", "0.10"); // 0.1 micro-dollars per token
    assertThat(p.costMicros(new Usage(4, 0, 0, 0))).isZero(); // 0.4
    assertThat(p.costMicros(new Usage(5, 0, 0, 0))).isEqualTo(1); // 0.5 rounds half up
    // 4 input (0.4) + 4 output (0.4) = 0.8 -> 1 when summed first; rounding each part would give 0.
    assertThat(p.costMicros(new Usage(4, 4, 0, 0))).isEqualTo(1);
  }

  @Test
  void reasoningTokensAreBilledAsTheOutputTokensThatIncludeThem() {
    Prices p = prices("1.00", "0.50", "4.00");

    assertThat(p.costMicros(new Usage(0, 1_000, 0, 800)))
        .isEqualTo(p.costMicros(new Usage(0, 1_000, 0, 0)))
        .isEqualTo(4_000);
  }

  @Test
  void cachedTokensBeyondTheInputAreNotChargedTwice() {
    Prices p = prices("1.00", "0.50", "4.00");

    assertThat(p.costMicros(new Usage(1_000, 0, 5_000, 0))).isEqualTo(500);
  }

  @Test
  void negativePricesAreRejected() {
    assertThatThrownBy(() -> new Prices(-1, 0, 0, READ_ON))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

package io.promptyard.schemas.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MicroDollarsTest {

  @Test
  void formatsEveryMicroDollarWithThousandsSeparators() {
    assertThat(MicroDollars.format(21_623)).isEqualTo("$0.021623");
    assertThat(MicroDollars.format(1_234_567_891L)).isEqualTo("$1,234.567891");
    assertThat(MicroDollars.format(-5_000_000)).isEqualTo("-$5.000000");
  }

  @Test
  void parsesWhatAPersonTypesExactly() {
    assertThat(MicroDollars.parse("250.00")).isEqualTo(250_000_000L);
    assertThat(MicroDollars.parse("$1,250.5")).isEqualTo(1_250_500_000L);
    assertThat(MicroDollars.parse("0.000001")).isEqualTo(1L);
  }

  @Test
  void rejectsNegativeOrOverPreciseAmountsWithTheReason() {
    assertThatThrownBy(() -> MicroDollars.parse("-1")).hasMessageContaining("negative");
    assertThatThrownBy(() -> MicroDollars.parse("0.0000001")).hasMessageContaining("six decimals");
    assertThatThrownBy(() -> MicroDollars.parse("ten")).hasMessageContaining("not a dollar amount");
  }
}

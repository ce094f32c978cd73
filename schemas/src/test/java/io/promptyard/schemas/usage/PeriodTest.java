package io.promptyard.schemas.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class PeriodTest {

  private static final Instant AT = Instant.parse("2026-02-28T23:59:59.999Z");

  @Test
  void eachPeriodStartsAndIsLabelledInUtc() {
    assertThat(Period.HOUR.format(AT)).isEqualTo("2026-02-28T23");
    assertThat(Period.DAY.format(AT)).isEqualTo("2026-02-28");
    assertThat(Period.MONTH.format(AT)).isEqualTo("2026-02");
    assertThat(Period.MONTH.start(AT)).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
    assertThat(Period.MONTH.next(Period.MONTH.start(AT))).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
    assertThat(Period.HOUR.parse("2026-02-28T23")).isEqualTo(Instant.parse("2026-02-28T23:00:00Z"));
  }

  @Test
  void aLabelThatIsNotAPeriodIsRefusedWithAnExample() {
    assertThatThrownBy(() -> Period.DAY.parse("2026-02-30")).hasMessageContaining("'2026-02-30' is not a day (write it like 2026-11-23)");
    assertThatThrownBy(() -> Period.of("week")).hasMessageContaining("period 'week' is not hour, day or month");
  }
}

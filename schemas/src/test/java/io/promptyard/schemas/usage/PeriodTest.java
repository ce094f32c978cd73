package io.promptyard.schemas.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PeriodTest {

  private static final Instant AT = Instant.parse("2026-02-28T23:59:59.999Z");

  @Test
  void eachPeriodStartsAndIsLabelledInUtc() {
    assertThat(Period.HOUR.format(AT)).isEqualTo("2026-02-28T23");
    assertThat(Period.DAY.format(AT)).isEqualTo("2026-02-28");
    assertThat(Period.MONTH.format(AT)).isEqualTo("2026-02");
    assertThat(Period.MONTH.start(AT)).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
    assertThat(Period.MONTH.next(Period.MONTH.start(AT)))
        .isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
    assertThat(Period.HOUR.parse("2026-02-28T23")).isEqualTo(Instant.parse("2026-02-28T23:00:00Z"));
  }

  @Test
  void aLabelThatIsNotAPeriodIsRefusedWithAnExample() {
    assertThatThrownBy(() -> Period.DAY.parse("2026-02-30"))
        .hasMessageContaining("'2026-02-30' is not a day (write it like 2026-11-23)");
    assertThatThrownBy(() -> Period.of("week"))
        .hasMessageContaining("period 'week' is not hour, day or month");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "2027-03-01T00:00:30Z, 2027-03-01T00, 2027-03-01, 2027-03, 2027-04-01T00:00:00Z",
    "2027-07-15T12:00:00Z, 2027-07-15T12, 2027-07-15, 2027-07, 2027-08-01T00:00:00Z",
    "2027-04-30T23:59:30Z, 2027-04-30T23, 2027-04-30, 2027-04, 2027-05-01T00:00:00Z",
    "2028-02-29T12:00:00Z, 2028-02-29T12, 2028-02-29, 2028-02, 2028-03-01T00:00:00Z",
    "2026-12-31T23:59:59Z, 2026-12-31T23, 2026-12-31, 2026-12, 2027-01-01T00:00:00Z"
  })
  void atEveryCalendarEdgeTheLabelsStartsAndNextMonthAreTheUtcCalendarOnes(
      Instant at, String hour, String day, String month, Instant nextMonth) {
    assertThat(Period.HOUR.format(at)).isEqualTo(hour);
    assertThat(Period.DAY.format(at)).isEqualTo(day);
    assertThat(Period.MONTH.format(at)).isEqualTo(month);
    assertThat(Period.MONTH.next(Period.MONTH.start(at))).isEqualTo(nextMonth);
    assertThat(Period.MONTH.format(nextMonth.minusMillis(1)))
        .as("the last millisecond is still the month")
        .isEqualTo(month);
    for (Period p : Period.values()) {
      assertThat(p.parse(p.format(at))).as("%s label read back", p).isEqualTo(p.start(at));
    }
  }
}

package io.promptyard.schemas.usage;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The UTC periods usage totals are kept for (hour, day, calendar month); each has a label that
 * sorts in time order ({@code 2026-11-23T10}, {@code 2026-11-23}, {@code 2026-11}).
 */
public enum Period {
  HOUR,
  DAY,
  MONTH;

  private final String label = name().toLowerCase(Locale.ROOT);

  /** The lower-case name used in keys, records and the API. */
  public String label() {
    return label;
  }

  /** The start of the period containing {@code at}. */
  public Instant start(Instant at) {
    return switch (this) {
      case HOUR -> at.truncatedTo(ChronoUnit.HOURS);
      case DAY -> at.truncatedTo(ChronoUnit.DAYS);
      case MONTH ->
          YearMonth.from(at.atZone(ZoneOffset.UTC))
              .atDay(1)
              .atStartOfDay(ZoneOffset.UTC)
              .toInstant();
    };
  }

  /** The start of the period after the one starting at {@code start}. */
  public Instant next(Instant start) {
    return switch (this) {
      case HOUR -> start.plus(1, ChronoUnit.HOURS);
      case DAY -> start.plus(1, ChronoUnit.DAYS);
      case MONTH -> start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
    };
  }

  /** The label of the period containing {@code at}. */
  public String format(Instant at) {
    // by hand rather than with a DateTimeFormatter: every usage event needs these labels
    LocalDateTime t = LocalDateTime.ofEpochSecond(at.getEpochSecond(), 0, ZoneOffset.UTC);
    StringBuilder label = new StringBuilder(13).append(t.getYear()).append('-');
    two(label, t.getMonthValue());
    if (this != MONTH) {
      two(label.append('-'), t.getDayOfMonth());
    }
    if (this == HOUR) {
      two(label.append('T'), t.getHour());
    }
    return label.toString();
  }

  private static void two(StringBuilder b, int value) {
    if (value < 10) {
      b.append('0');
    }
    b.append(value);
  }

  /**
   * The start of the period a label such as {@code 2026-11} names; a clear error for anything else.
   */
  public Instant parse(String label) {
    try {
      return switch (this) {
        case HOUR -> LocalDateTime.parse(label + ":00").toInstant(ZoneOffset.UTC);
        case DAY -> LocalDate.parse(label).atStartOfDay(ZoneOffset.UTC).toInstant();
        case MONTH -> YearMonth.parse(label).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      };
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "'"
              + label
              + "' is not a "
              + label()
              + " (write it like "
              + format(Instant.parse("2026-11-23T10:00:00Z"))
              + ")");
    }
  }

  /** The period named {@code hour}, {@code day} or {@code month}. */
  public static Period of(String label) {
    for (Period p : values()) {
      if (p.label().equals(label)) {
        return p;
      }
    }
    throw new IllegalArgumentException("period '" + label + "' is not hour, day or month");
  }
}

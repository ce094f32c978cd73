package io.promptyard.cli.dlq;

import io.promptyard.schemas.ErrorCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The filters {@code dlq list}, {@code show} and {@code replay} share. */
public final class FilterOptions {

  private static final Pattern AGO = Pattern.compile("(\\d+)\\s*([smhd])");

  @Option(
      names = "--code",
      paramLabel = "CODE",
      split = ",",
      description = "error codes, e.g. RATE_LIMITED,AUTHENTICATION (case does not matter)")
  List<String> codes = new ArrayList<>();

  @Option(
      names = "--provider",
      paramLabel = "PROVIDER",
      description = "the provider the job was routed to")
  String provider;

  @Option(names = "--team", paramLabel = "TEAM", description = "the request's team")
  String team;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description =
          "dead-lettered at or after TIME: 2026-11-23T08:00:00Z, 2026-11-23, or 90m / 6h / 2d ago")
  String since;

  @Option(
      names = "--until",
      paramLabel = "TIME",
      description = "dead-lettered before TIME (same forms as --since)")
  String until;

  @Option(names = "--id", paramLabel = "REQUEST_ID", description = "the request id")
  String requestId;

  @Parameters(
      paramLabel = "POSITION",
      arity = "0..*",
      description = "partition@offset on the dead-letter topic, as dlq list prints it")
  List<String> positions = new ArrayList<>();

  DeadLetterFilter filter(Clock clock) {
    for (String p : positions) {
      if (!p.matches("\\d+@\\d+")) {
        throw new IllegalArgumentException(
            "position " + p + " should look like 0@17 (partition@offset, as dlq list prints it)");
      }
    }
    Set<ErrorCode> parsed = new java.util.HashSet<>();
    for (String c : codes) {
      try {
        parsed.add(ErrorCode.valueOf(c.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--code "
                + c
                + " is not an error code; use one of "
                + java.util.Arrays.toString(ErrorCode.values()));
      }
    }
    return new DeadLetterFilter(
        parsed,
        Optional.ofNullable(provider),
        Optional.ofNullable(team),
        Optional.ofNullable(since).map(t -> time("--since", t, clock)),
        Optional.ofNullable(until).map(t -> time("--until", t, clock)),
        Optional.ofNullable(requestId),
        Set.copyOf(positions));
  }

  /** An instant, a UTC day, or a duration ago; {@code option} names the flag in an error. */
  public static Instant time(String option, String text, Clock clock) {
    String t = text.trim();
    Matcher ago = AGO.matcher(t.toLowerCase(Locale.ROOT));
    if (ago.matches()) {
      long n = Long.parseLong(ago.group(1));
      Duration d =
          switch (ago.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
      return clock.instant().minus(d);
    }
    try {
      return t.length() == 10
          ? LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant()
          : Instant.parse(t);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          option
              + " "
              + text
              + ": expected 2026-11-23T08:00:00Z, 2026-11-23, or 90m / 6h / 2d (ago)");
    }
  }
}

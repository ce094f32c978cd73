package io.promptyard.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --output} of the listing commands: an aligned table for people (the default), or JSON
 * Lines for programs, one object a row, as {@code promptyard results} prints: counts and money as
 * numbers (money in micro-dollars), times in ISO-8601 UTC, nothing abbreviated.
 */
public final class OutputOption {

  /** The two formats. */
  public enum Format {
    TABLE,
    JSON;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      defaultValue = "table",
      converter = FormatConverter.class,
      description =
          "table, or json: one JSON object a line, money in micro-dollars (default ${DEFAULT-VALUE})")
  Format format = Format.TABLE;

  /** Whether rows are to be printed as JSON Lines. */
  public boolean json() {
    return format == Format.JSON;
  }

  /** Prints one row as a line of JSON; {@code fields} keep their order. */
  public void row(PrintWriter out, Map<String, ?> fields) {
    JsonLines.print(out, fields);
  }

  /** Accepts {@code table} and {@code json} in any case. */
  static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      try {
        return Format.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "'" + value + "' is not an output format; use table or json");
      }
    }
  }
}

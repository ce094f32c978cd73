package io.promptyard.cli;

import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * {@code --output} of the listing commands ({@code dlq list}, {@code usage}, {@code budget show},
 * {@code topics describe}): aligned text for people (the default), or one JSON document for
 * programs, printed once the command has read everything: counts and money as numbers (money in
 * micro-dollars), times in ISO-8601 UTC, nothing abbreviated. Each command's help and
 * docs/OPERATIONS.md name the document's fields. ({@code results}, whose output streams, has its
 * own option: JSON Lines by default.)
 */
public final class OutputOption {

  /** The formats. */
  public enum Format {
    TEXT,
    JSON;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      defaultValue = "text",
      converter = FormatConverter.class,
      description =
          "text (the default) or json: one JSON document, money in micro-dollars, with the fields"
              + " named above")
  Format format = Format.TEXT;

  /** Whether the command is to print one JSON document instead of text. */
  public boolean json() {
    return format == Format.JSON;
  }

  /** Prints {@code document} (a map keeping its fields' order, lists, numbers, text) as JSON. */
  public void document(PrintWriter out, Object document) {
    JsonLines.printDocument(out, document);
  }

  /** Accepts {@code text} (or {@code table}, its earlier name) and {@code json}, in any case. */
  public static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      String name = value.trim().toUpperCase(Locale.ROOT);
      if (name.equals("TABLE")) {
        return Format.TEXT;
      }
      try {
        return Format.valueOf(name);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "'" + value + "' is not an output format; use text or json");
      }
    }
  }
}

package io.promptyard.catalog;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A base64 {@code data:} URL (RFC 2397) taken apart: {@code data:<media type>[;<parameter>]*
 * ;base64,<data>}, the scheme and the {@code base64} token in any case. Parsed by hand, not by a
 * pattern: a pattern repeating a group per parameter recurses once per parameter, and a URL with a
 * few thousand of them (twenty kilobytes) overflowed the stack of the thread reading it.
 *
 * @param mediaType what stands between {@code data:} and the first {@code ;}, never empty
 * @param parameters each {@code ;}-separated part between the media type and {@code ;base64}, as
 *     written (possibly empty)
 * @param data everything after the first comma
 */
public record DataUrl(String mediaType, List<String> parameters, String data) {

  public DataUrl {
    parameters = List.copyOf(parameters);
  }

  /** {@code url} taken apart, or empty when it is not a base64 data URL. */
  public static Optional<DataUrl> base64(String url) {
    if (!url.regionMatches(true, 0, "data:", 0, 5)) {
      return Optional.empty();
    }
    int comma = url.indexOf(',', 5);
    if (comma < 0) {
      return Optional.empty();
    }
    // Neither the media type nor a parameter holds a comma, so the header ends at the first one.
    String[] parts = url.substring(5, comma).split(";", -1);
    if (parts.length < 2
        || parts[0].isEmpty()
        || !parts[parts.length - 1].toLowerCase(Locale.ROOT).equals("base64")) {
      return Optional.empty();
    }
    return Optional.of(
        new DataUrl(
            parts[0], Arrays.asList(parts).subList(1, parts.length - 1), url.substring(comma + 1)));
  }
}

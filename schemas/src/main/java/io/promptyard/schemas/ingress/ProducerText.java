package io.promptyard.schemas.ingress;

/**
 * Producer-supplied text made safe to put in a log line or a message: control characters escaped (a
 * newline cannot forge a log line) and long text cut.
 */
public final class ProducerText {

  /** The most characters of producer text quoted in one place. */
  static final int MAX_CHARS = 300;

  private ProducerText() {}

  /**
   * {@code text} with control characters (C0, DEL, C1, line and paragraph separators, bidirectional
   * overrides and isolates) written as Java escapes ({@code \n}, {@code \u001b}), backslashes
   * doubled, and cut to {@value #MAX_CHARS} characters with an ellipsis; {@code null} stays {@code
   * null}.
   */
  public static String escape(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 8);
    for (int i = 0; i < text.length(); i++) {
      if (i == MAX_CHARS) {
        return out.append('…').toString();
      }
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c) || isLineOrDirectionControl(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /**
   * Line and paragraph separators (U+2028, U+2029), which some log viewers break lines at, and the
   * bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which make a
   * line read differently from what it holds.
   */
  private static boolean isLineOrDirectionControl(char c) {
    return (c >= '\u2028' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
  }
}

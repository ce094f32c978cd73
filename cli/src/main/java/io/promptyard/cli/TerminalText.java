package io.promptyard.cli;

/**
 * Text that came from producers or models (a custom id, an answer, an error message) made safe for
 * one line of a terminal: line breaks and tabs become spaces, and other control characters, which
 * could move the cursor or recolour the screen, are shown as U+FFFD.
 */
public final class TerminalText {

  private TerminalText() {}

  /** {@code text} on one line, at most {@code max} characters, an ellipsis where it was cut. */
  public static String oneLine(String text, int max) {
    StringBuilder line = new StringBuilder(Math.min(text.length(), max + 1));
    boolean space = false;
    for (int i = 0; i < text.length() && line.length() <= max; i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        space = true;
        continue;
      }
      if (space && !line.isEmpty()) {
        line.append(' ');
      }
      space = false;
      line.append(Character.isISOControl(c) || isBidiControl(c) ? '\uFFFD' : c);
    }
    return line.length() <= max ? line.toString() : line.substring(0, max - 1) + "…";
  }

  /** The bidirectional overrides and isolates, which can make a line read other than it is. */
  private static boolean isBidiControl(char c) {
    return (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
  }
}

package io.promptyard.guardrails.pii;

/**
 * What one pass over a text tells about its ASCII digits, enough to know that the card, SSN, IBAN
 * and IPv4 patterns cannot match it: the most digits in a row with at most one space or hyphen
 * between two (a card has 12 or more, an SSN 9), whether two capital letters are followed by two
 * digits (an IBAN's start), and whether a run of digits and dots has four digits and three dots.
 */
record DigitShapes(int longestSpacedRun, boolean ibanStart, boolean dottedQuad) {

  static DigitShapes of(String text) {
    int longest = 0;
    int run = 0;
    boolean separated = false;
    boolean ibanStart = false;
    int dots = 0;
    int dottedDigits = 0;
    boolean dottedQuad = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean digit = c >= '0' && c <= '9';
      if (digit) {
        run++;
        separated = false;
        longest = Math.max(longest, run);
        ibanStart |=
            i >= 3
                && isDigit(text.charAt(i - 1))
                && isCapital(text.charAt(i - 2))
                && isCapital(text.charAt(i - 3));
      } else if ((c == ' ' || c == '-') && run > 0 && !separated) {
        separated = true;
      } else {
        run = 0;
        separated = false;
      }
      if (digit || c == '.') {
        dottedDigits += digit ? 1 : 0;
        dots += digit ? 0 : 1;
        dottedQuad |= dots >= 3 && dottedDigits >= 4;
      } else {
        dots = 0;
        dottedDigits = 0;
      }
    }
    return new DigitShapes(longest, ibanStart, dottedQuad);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isCapital(char c) {
    return c >= 'A' && c <= 'Z';
  }
}

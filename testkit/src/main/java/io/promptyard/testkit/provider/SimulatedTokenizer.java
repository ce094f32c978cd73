package io.promptyard.testkit.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Counts tokens the way the simulated provider bills them: each run of letters and digits costs one
 * token per four characters (rounded up), each other visible character one token, whitespace
 * nothing.
 */
public final class SimulatedTokenizer {

  private static final int CHARS_PER_WORD_TOKEN = 4;

  private SimulatedTokenizer() {}

  /** The number of tokens in {@code text}; 0 for null or blank text. */
  public static int count(String text) {
    if (text == null) {
      return 0;
    }
    int[] count = {0};
    scan(text, end -> count[0]++);
    return count[0];
  }

  /**
   * The longest prefix of {@code text} that holds at most {@code maxTokens} tokens, ending on a
   * token.
   */
  static String truncate(String text, int maxTokens) {
    int[] ends = tokenEnds(text);
    if (ends.length <= maxTokens) {
      return text;
    }
    return maxTokens == 0 ? "" : text.substring(0, ends[maxTokens - 1]);
  }

  /**
   * Cuts {@code text} into consecutive pieces of {@code tokensPerPiece} tokens; the pieces
   * concatenate to {@code text} exactly, whitespace going with the token that follows it.
   */
  static List<String> pieces(String text, int tokensPerPiece) {
    List<String> pieces = new ArrayList<>();
    int[] ends = tokenEnds(text);
    int start = 0;
    for (int i = tokensPerPiece - 1; i < ends.length; i += tokensPerPiece) {
      if (ends[i] < text.length()) {
        pieces.add(text.substring(start, ends[i]));
        start = ends[i];
      }
    }
    if (start < text.length()) {
      pieces.add(text.substring(start));
    }
    return pieces;
  }

  private static int[] tokenEnds(String text) {
    List<Integer> ends = new ArrayList<>();
    scan(text, ends::add);
    return ends.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Reports the char index just after each token, in order. */
  private static void scan(String text, IntConsumer tokenEnd) {
    int i = 0;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      if (Character.isWhitespace(cp)) {
        i += Character.charCount(cp);
      } else if (Character.isLetterOrDigit(cp)) {
        i = scanWord(text, i, tokenEnd);
      } else {
        i += Character.charCount(cp);
        tokenEnd.accept(i);
      }
    }
  }

  private static int scanWord(String text, int start, IntConsumer tokenEnd) {
    int i = start;
    int inToken = 0;
    while (i < text.length() && Character.isLetterOrDigit(text.codePointAt(i))) {
      i += Character.charCount(text.codePointAt(i));
      if (++inToken == CHARS_PER_WORD_TOKEN) {
        tokenEnd.accept(i);
        inToken = 0;
      }
    }
    if (inToken > 0) {
      tokenEnd.accept(i);
    }
    return i;
  }
}

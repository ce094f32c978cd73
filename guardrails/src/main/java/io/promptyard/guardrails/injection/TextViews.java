package io.promptyard.guardrails.injection;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ways an instruction can be hidden in a text, undone: the normalised text (NFKC, zero-width
 * characters removed, lower case, single spaces), and views of it with spaced-out letters joined,
 * leetspeak read as letters, and base64 or hex runs decoded; and whether the text was all ASCII.
 */
record TextViews(String normal, List<View> hidden, boolean zeroWidth, boolean ascii) {

  /** A view of the text that undoes one kind of obfuscation, named for the signal it gives. */
  record View(String obfuscation, String text) {}

  private static final Pattern ZERO_WIDTH =
      Pattern.compile("[\\u200B-\\u200F\\u2060-\\u2064\\uFEFF\\u00AD]");
  private static final Pattern SPACED_LETTERS =
      Pattern.compile("(?<![\\p{L}])(?:\\p{L}[ .\\-_*]){4,}\\p{L}(?![\\p{L}])");
  private static final Pattern LEET_WORD =
      Pattern.compile(
          "\\b(?=[\\p{L}0-9@$!|]*[\\p{L}])(?=[\\p{L}0-9@$!|]*[013457@$!|])[\\p{L}0-9@$!|]{3,}");
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]{16,}={0,2}");

  /** Where a run of hex pairs may start: {@code \\b}, as the other patterns read it. */
  private static final Pattern BOUNDARY = Pattern.compile("\\b");

  /**
   * The fewest hex pairs (each optionally followed by one space) that make a run worth decoding.
   */
  private static final int HEX_PAIRS = 12;

  /**
   * The views of {@code raw}. Each view is made only when the text shows its trigger (a non-ASCII
   * character, a run of single letters, a digit right after a letter, a long base64 or hex run):
   * most prompts show none, and the rules then run over the normalised text alone.
   */
  static TextViews of(String raw) {
    AsciiPass pass = AsciiPass.of(raw);
    boolean ascii = pass != null;
    // ASCII is its own NFKC form and holds no zero-width character.
    String nfkc = ascii ? raw : Normalizer.normalize(raw, Normalizer.Form.NFKC);
    String stripped = ascii ? nfkc : ZERO_WIDTH.matcher(nfkc).replaceAll("");
    boolean zeroWidth = stripped.length() != nfkc.length();
    String normal = ascii ? pass.normal() : singleSpaced(stripped.toLowerCase(Locale.ROOT)).strip();
    EncodedRuns runs = ascii ? pass.runs() : EncodedRuns.of(stripped);
    List<View> hidden = new ArrayList<>();
    if (mayHaveSpacedLetters(normal)) {
      String joined = joinSpacedLetters(normal);
      if (!joined.equals(normal)) {
        hidden.add(new View("spaced-letters", joined));
      }
    }
    String unleeted = looksLeet(normal) ? unleet(normal) : normal;
    if (!unleeted.equals(normal)) {
      hidden.add(new View("leetspeak", unleeted));
    }
    String decoded = decoded(stripped, runs);
    if (!decoded.isEmpty()) {
      hidden.add(new View("encoded", singleSpaced(decoded.toLowerCase(Locale.ROOT))));
    }
    return new TextViews(normal, hidden, zeroWidth, ascii);
  }

  /**
   * What an all-ASCII text's normal form and encoded runs are, read in one pass: lower case is
   * {@code A-Z} alone, and each run of {@code \\s} becomes one space, as {@link #singleSpaced}
   * does. Most prompts are ASCII, and one pass over them instead of four is most of what the views
   * cost.
   */
  private record AsciiPass(String normal, EncodedRuns runs) {

    /** The pass over {@code raw}, or null as soon as it meets a character outside ASCII. */
    static AsciiPass of(String raw) {
      byte[] normal = new byte[raw.length()];
      int length = 0;
      boolean inSpaces = false;
      EncodedRuns.Counter runs = new EncodedRuns.Counter();
      for (int i = 0; i < raw.length(); i++) {
        char c = raw.charAt(i);
        if (c >= 0x80) {
          return null;
        }
        runs.add(c);
        boolean space =
            c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
        if (!space) {
          normal[length++] = (byte) (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
        } else if (!inSpaces) {
          normal[length++] = ' ';
        }
        inSpaces = space;
      }
      return new AsciiPass(
          new String(normal, 0, length, StandardCharsets.ISO_8859_1).strip(), runs.runs());
    }
  }

  /** {@code text} with each run of {@code \s} (space, tab, line breaks, form feed) one space. */
  private static String singleSpaced(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean inSpaces = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean space = c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
      if (!space) {
        out.append(c);
      } else if (!inSpaces) {
        out.append(' ');
      }
      inSpaces = space;
    }
    return out.toString();
  }

  /**
   * Whether {@link #SPACED_LETTERS} can match: five letters, each but the last followed by one
   * separator. Letters outside the BMP are two chars, so a text with any is left to the pattern.
   */
  private static boolean mayHaveSpacedLetters(String text) {
    int pairs = 0;
    for (int i = 0; i + 1 < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        return true;
      }
      if (Character.isLetter(c) && " .-_*".indexOf(text.charAt(i + 1)) >= 0) {
        pairs++;
        i++;
        if (pairs >= 4 && i + 1 < text.length() && Character.isLetter(text.charAt(i + 1))) {
          return true;
        }
      } else {
        pairs = 0;
      }
    }
    return false;
  }

  private static String joinSpacedLetters(String text) {
    Matcher m = SPACED_LETTERS.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(m.group().replaceAll("[ .\\-_*]", "")));
    }
    return m.appendTail(out).toString();
  }

  /**
   * Whether some word writes letters as digits ("pr3v10u5": two of 0, 1, 3, 4, 5, 7, one right
   * after a letter), unlike "5pm", "42nd", "v1.2" or an address: the leetspeak view, which every
   * rule runs over again, is only made then.
   */
  private static boolean looksLeet(String text) {
    if (!digitAfterLetter(text)) {
      return false;
    }
    Matcher m = LEET_WORD.matcher(text);
    while (m.find()) {
      String word = m.group();
      int digits = 0;
      boolean afterLetter = false;
      for (int i = 0; i < word.length(); i++) {
        char c = word.charAt(i);
        if ("013457".indexOf(c) >= 0) {
          digits++;
          afterLetter |= i > 0 && Character.isLetter(word.charAt(i - 1));
        }
      }
      if (digits >= 2 && afterLetter) {
        return true;
      }
    }
    return false;
  }

  private static boolean digitAfterLetter(String text) {
    for (int i = 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '7' && c != '2' && c != '6' && Character.isLetter(text.charAt(i - 1))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Leetspeak read as letters; a 1 is read as an l where that makes a word the rules look for
   * ("ru135" is "rules") and as an i otherwise ("1gn0r3").
   */
  private static String unleet(String text) {
    Matcher m = LEET_WORD.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String asI = unleetWord(m.group(), 'i');
      String asL = unleetWord(m.group(), 'l');
      String word = !LEET_VOCABULARY.contains(asI) && LEET_VOCABULARY.contains(asL) ? asL : asI;
      m.appendReplacement(out, Matcher.quoteReplacement(word));
    }
    return m.appendTail(out).toString();
  }

  private static final java.util.Set<String> LEET_VOCABULARY =
      java.util.Set.of(
          "all",
          "rules",
          "tell",
          "role",
          "filter",
          "filters",
          "unfiltered",
          "model",
          "reveal",
          "developer",
          "policy",
          "policies",
          "guidelines",
          "unlocked",
          "evil",
          "jailbreak",
          "follow");

  private static String unleetWord(String word, char one) {
    StringBuilder out = new StringBuilder(word.length());
    for (char c : word.toCharArray()) {
      out.append(
          switch (c) {
            case '0' -> 'o';
            case '1' -> one;
            case '!', '|' -> 'i';
            case '3' -> 'e';
            case '4', '@' -> 'a';
            case '5', '$' -> 's';
            case '7' -> 't';
            default -> c;
          });
    }
    return out.toString();
  }

  /** The decoded runs of base64 and hex that read as text, space-separated; empty if none do. */
  private static String decoded(String text, EncodedRuns runs) {
    StringBuilder out = new StringBuilder();
    Matcher m = BASE64.matcher(runs.base64() ? text : "");
    while (m.find()) {
      String run = m.group();
      if (run.chars().noneMatch(Character::isDigit)
          && run.chars().noneMatch(Character::isUpperCase)) {
        continue; // a plain long word, not base64
      }
      try {
        appendIfText(Base64.getDecoder().decode(padded(run)), out);
      } catch (IllegalArgumentException e) {
        // not base64 after all
      }
    }
    if (runs.hex()) {
      for (String run : hexRuns(text)) {
        appendIfText(HexFormat.of().parseHex(run), out);
      }
    }
    return out.toString();
  }

  /**
   * The digits of each run of at least {@link #HEX_PAIRS} hex pairs, each pair optionally followed
   * by one space, starting at a word boundary: what {@code \\b(?:[0-9a-fA-F]{2}[ ]?){12,}} finds,
   * scanned by hand because that pattern recurses once per pair and overflows the stack of a thread
   * on a run of a few thousand (a 10,000-character prompt of hex, or of the letter a).
   */
  static List<String> hexRuns(String text) {
    List<String> runs = new ArrayList<>();
    Matcher boundary = BOUNDARY.matcher(text).useTransparentBounds(true);
    int i = 0;
    while (i + 1 < text.length()) {
      if (!isHex(text.charAt(i)) || !boundary.region(i, i).lookingAt()) {
        i++;
        continue;
      }
      StringBuilder digits = new StringBuilder();
      int end = i;
      while (end + 1 < text.length() && isHex(text.charAt(end)) && isHex(text.charAt(end + 1))) {
        digits.append(text, end, end + 2);
        end += 2;
        if (end < text.length() && text.charAt(end) == ' ') {
          end++;
        }
      }
      if (digits.length() >= 2 * HEX_PAIRS) {
        runs.add(digits.toString());
        i = end;
      } else {
        i++;
      }
    }
    return runs;
  }

  private static boolean isHex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }

  /**
   * Whether a text has 16 base64 characters in a row, and 24 hex digits or spaces in a row: the
   * least a run of {@link #BASE64} or {@link #hexRuns} has; found in one pass.
   */
  private record EncodedRuns(boolean base64, boolean hex) {

    static EncodedRuns of(String text) {
      Counter counter = new Counter();
      for (int i = 0; i < text.length() && !counter.both(); i++) {
        counter.add(text.charAt(i));
      }
      return counter.runs();
    }

    /** The runs so far of a text read one character at a time. */
    static final class Counter {
      private int base64Run;
      private int hexRun;
      private boolean base64;
      private boolean hex;

      void add(char c) {
        boolean digit = c >= '0' && c <= '9';
        boolean hexLetter = c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
        boolean letter = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
        base64Run = digit || letter || c == '+' || c == '/' ? base64Run + 1 : 0;
        hexRun = digit || hexLetter || c == ' ' ? hexRun + 1 : 0;
        base64 |= base64Run >= 16;
        hex |= hexRun >= 24;
      }

      boolean both() {
        return base64 && hex;
      }

      EncodedRuns runs() {
        return new EncodedRuns(base64, hex);
      }
    }
  }

  private static String padded(String run) {
    String bare = run.replace("=", "");
    return bare + "=".repeat((4 - bare.length() % 4) % 4);
  }

  private static void appendIfText(byte[] bytes, StringBuilder out) {
    String s = new String(bytes, StandardCharsets.UTF_8);
    long printable = s.chars().filter(c -> c >= 0x20 && c < 0x7f || Character.isLetter(c)).count();
    if (s.length() >= 8 && printable >= s.length() * 0.9 && s.contains(" ")) {
      out.append(s).append(' ');
    }
  }
}

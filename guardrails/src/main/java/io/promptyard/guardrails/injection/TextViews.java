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
 * leetspeak read as letters, and base64 or hex runs decoded.
 */
record TextViews(String normal, List<View> hidden, boolean zeroWidth) {

  /** A view of the text that undoes one kind of obfuscation, named for the signal it gives. */
  record View(String obfuscation, String text) {}

  private static final Pattern ZERO_WIDTH =
      Pattern.compile("[\\u200B-\\u200F\\u2060-\\u2064\\uFEFF\\u00AD]");
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final Pattern SPACED_LETTERS =
      Pattern.compile("(?<![\\p{L}])(?:\\p{L}[ .\\-_*]){4,}\\p{L}(?![\\p{L}])");
  private static final Pattern LEET_WORD =
      Pattern.compile(
          "\\b(?=[\\p{L}0-9@$!|]*[\\p{L}])(?=[\\p{L}0-9@$!|]*[013457@$!|])[\\p{L}0-9@$!|]{3,}");
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]{16,}={0,2}");
  private static final Pattern HEX = Pattern.compile("\\b(?:[0-9a-fA-F]{2}[ ]?){12,}");

  static TextViews of(String raw) {
    String nfkc = Normalizer.normalize(raw, Normalizer.Form.NFKC);
    String stripped = ZERO_WIDTH.matcher(nfkc).replaceAll("");
    boolean zeroWidth = stripped.length() != nfkc.length();
    String normal = SPACES.matcher(stripped.toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
    List<View> hidden = new ArrayList<>();
    String joined = joinSpacedLetters(normal);
    if (!joined.equals(normal)) {
      hidden.add(new View("spaced-letters", joined));
    }
    String unleeted = looksLeet(normal) ? unleet(normal) : normal;
    if (!unleeted.equals(normal)) {
      hidden.add(new View("leetspeak", unleeted));
    }
    String decoded = decoded(stripped);
    if (!decoded.isEmpty()) {
      hidden.add(
          new View("encoded", SPACES.matcher(decoded.toLowerCase(Locale.ROOT)).replaceAll(" ")));
    }
    return new TextViews(normal, hidden, zeroWidth);
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
  private static String decoded(String text) {
    StringBuilder out = new StringBuilder();
    Matcher m = BASE64.matcher(text);
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
    m = HEX.matcher(text);
    while (m.find()) {
      String run = m.group().replace(" ", "");
      appendIfText(HexFormat.of().parseHex(run.substring(0, run.length() & ~1)), out);
    }
    return out.toString();
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

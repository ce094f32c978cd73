package io.promptyard.semanticcache;

import static io.promptyard.semanticcache.NearMissLexicon.COMMON_CAPITALISED;
import static io.promptyard.semanticcache.NearMissLexicon.DEGREES;
import static io.promptyard.semanticcache.NearMissLexicon.FUNCTION_WORDS;
import static io.promptyard.semanticcache.NearMissLexicon.NEGATIONS;
import static io.promptyard.semanticcache.NearMissLexicon.ONE_AS_PRONOUN;
import static io.promptyard.semanticcache.NearMissLexicon.ORDINALS_AND_FRACTIONS;
import static io.promptyard.semanticcache.NearMissLexicon.SCALES;
import static io.promptyard.semanticcache.NearMissLexicon.SMALL_NUMBERS;
import static io.promptyard.semanticcache.NearMissLexicon.UNITS;
import static io.promptyard.semanticcache.NearMissLexicon.UNITS_AFTER_NUMBER;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What in a prompt changes its answer although an embedding barely notices: its numbers (digits or
 * words), negations, names, units, comparatives, opposite-prone words, the order of its names and
 * units, a from–to pair, and its language.
 *
 * @param numbers the numbers, canonical ({@code 5}, {@code 0.5}, {@code ord:3} for "third"), in
 *     order
 * @param negations how many negation cues ("not", "n't", "never", "without"…)
 * @param entities names, lower-cased: capitalised words that are not common sentence starters,
 *     acronyms, camel-cased words
 * @param units units, each under one spelling ({@code km} for "kilometres")
 * @param degrees comparatives and superlatives as {@code stem:er} / {@code stem:est}
 * @param salient names, units and languages in the order the prompt gives them
 * @param fromTo the words after "from" and after the next "to"/"into", or null
 * @param words every word, lower-cased, possessives and plural "s" left on
 * @param language {@code en}, {@code fr}…, a script name for non-Latin text, or {@code und}
 */
record PromptFeatures(
    List<String> numbers,
    int negations,
    Set<String> entities,
    Set<String> units,
    Set<String> degrees,
    List<String> salient,
    String[] fromTo,
    Set<String> words,
    String language) {

  private static final Pattern TOKEN =
      Pattern.compile(
          "\\d+(?:[.,]\\d+)*+(?:st|nd|rd|th)?|°[cCfF]?|[%$€£¥]"
              + "|[\\p{L}\\p{M}]+(?:['’-][\\p{L}\\p{M}]+)*+'?"
              // a sentence ends at punctuation before a space, not at the dot of "Node.js"
              + "|[.!?;:](?=\\s|$)");
  private static final Pattern ORDINAL_DIGITS = Pattern.compile("(\\d+)(st|nd|rd|th)");
  private static final Set<String> ARTICLES = Set.of("the", "a", "an", "my", "our", "your", "this");

  /** Reads the features of {@code prompt}. */
  static PromptFeatures of(String prompt) {
    List<String> raw = tokens(prompt);
    boolean shouting = prompt.equals(prompt.toUpperCase(Locale.ROOT));
    List<String> numbers = new ArrayList<>();
    Set<String> entities = new HashSet<>();
    Set<String> units = new HashSet<>();
    Set<String> degrees = new HashSet<>();
    List<String> salient = new ArrayList<>();
    Set<String> words = new HashSet<>();
    int negations = 0;
    boolean sentenceStart = true;
    NumberWords spelled = new NumberWords(numbers);
    String previous = "";
    boolean previousWasNumber = false;
    for (String token : raw) {
      if (token.length() == 1 && ".!?;:".contains(token)) {
        spelled.flush();
        sentenceStart = true;
        previousWasNumber = false;
        continue;
      }
      String lower = token.toLowerCase(Locale.ROOT).replace('’', '\'');
      words.add(lower);
      boolean isNumber = readNumber(lower, previous, spelled);
      if (!isNumber) {
        spelled.flush();
      }
      if (NEGATIONS.contains(lower) || lower.endsWith("n't")) {
        negations++;
      }
      String unit = UNITS.get(lower);
      if (unit == null && previousWasNumber) {
        unit = UNITS_AFTER_NUMBER.get(lower);
      }
      if (unit != null && !isNumber) {
        units.add(unit);
        salient.add(unit);
      }
      String degree = DEGREES.get(lower);
      if (degree != null) {
        degrees.add(degree);
      }
      if (!shouting && !isNumber && unit == null && isName(token, lower, sentenceStart)) {
        String name = stripPossessive(lower);
        entities.add(name);
        salient.add(name);
      }
      sentenceStart = false;
      previous = lower;
      previousWasNumber = isNumber;
    }
    spelled.flush();
    return new PromptFeatures(
        List.copyOf(numbers),
        negations,
        Set.copyOf(entities),
        Set.copyOf(units),
        Set.copyOf(degrees),
        List.copyOf(salient),
        fromTo(raw),
        Set.copyOf(words),
        language(prompt, words));
  }

  /** The features' numbers in a canonical order, to compare two prompts' numbers as multisets. */
  List<String> sortedNumbers() {
    return numbers.stream().sorted().toList();
  }

  private static List<String> tokens(String prompt) {
    List<String> out = new ArrayList<>();
    Matcher m = TOKEN.matcher(prompt);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /**
   * Reads {@code lower} as a number (digits, an ordinal, a fraction word) or as part of a spelled
   * number (collected by {@code spelled}); true when it was one.
   */
  private static boolean readNumber(String lower, String previous, NumberWords spelled) {
    if (Character.isDigit(lower.charAt(0))) {
      spelled.flush();
      Matcher ordinal = ORDINAL_DIGITS.matcher(lower);
      if (ordinal.matches()) {
        spelled.numbers.add("ord:" + Long.parseLong(ordinal.group(1)));
      } else {
        spelled.numbers.add(canonicalDigits(lower));
      }
      spelled.afterDigits = true;
      return true;
    }
    String ordinalOrFraction = ORDINALS_AND_FRACTIONS.get(lower);
    if (ordinalOrFraction != null) {
      spelled.flush();
      spelled.numbers.add(ordinalOrFraction);
      return true;
    }
    if ("one".equals(lower) && ONE_AS_PRONOUN.contains(previous)) {
      return false;
    }
    boolean any = false;
    for (String part : lower.split("-")) {
      if (SMALL_NUMBERS.containsKey(part) || SCALES.containsKey(part)) {
        spelled.add(part);
        any = true;
      } else if ("and".equals(part) && spelled.open()) {
        any = true;
      }
    }
    return any;
  }

  /** "1,000" and "1000" are one number, "3,5" is 3.5 (a decimal comma), "2.50" is 2.5. */
  private static String canonicalDigits(String digits) {
    String plain;
    if (digits.matches("\\d{1,3}(,\\d{3})+(\\.\\d+)?")) {
      plain = digits.replace(",", "");
    } else {
      plain = digits.replace(',', '.');
    }
    try {
      return new BigDecimal(plain).stripTrailingZeros().toPlainString();
    } catch (NumberFormatException e) {
      return plain;
    }
  }

  private static boolean isName(String token, String lower, boolean sentenceStart) {
    if (!Character.isUpperCase(token.codePointAt(0))) {
      return hasInnerCapital(token);
    }
    boolean acronym = token.length() >= 2 && token.equals(token.toUpperCase(Locale.ROOT));
    if (acronym || hasInnerCapital(token)) {
      return true;
    }
    if ("i".equals(lower) || lower.startsWith("i'")) {
      return false;
    }
    return !sentenceStart || !COMMON_CAPITALISED.contains(stripPossessive(lower));
  }

  private static boolean hasInnerCapital(String token) {
    for (int i = 1; i < token.length(); i++) {
      if (Character.isUpperCase(token.charAt(i)) && Character.isLowerCase(token.charAt(i - 1))) {
        return true;
      }
    }
    return false;
  }

  static String stripPossessive(String lower) {
    if (lower.endsWith("'s")) {
      return lower.substring(0, lower.length() - 2);
    }
    return lower.endsWith("'") ? lower.substring(0, lower.length() - 1) : lower;
  }

  /** The word after "from" and the word after the next "to"/"into", articles skipped. */
  private static String[] fromTo(List<String> raw) {
    String from = null;
    for (int i = 0; i < raw.size() - 1; i++) {
      String word = raw.get(i).toLowerCase(Locale.ROOT);
      if (from == null && "from".equals(word)) {
        from = nextContentWord(raw, i);
      } else if (from != null && ("to".equals(word) || "into".equals(word))) {
        String to = nextContentWord(raw, i);
        return to == null ? null : new String[] {from, to};
      }
    }
    return null;
  }

  private static String nextContentWord(List<String> raw, int i) {
    for (int j = i + 1; j < raw.size(); j++) {
      String w = raw.get(j).toLowerCase(Locale.ROOT);
      if (!ARTICLES.contains(w)) {
        return stripPossessive(UNITS.getOrDefault(w, w));
      }
    }
    return null;
  }

  /**
   * The language: the script, for text mostly in a script other than Latin; for Latin text the
   * language whose function words it uses most, or {@code und} when that is not clear.
   */
  private static String language(String prompt, Set<String> words) {
    Map<Character.UnicodeScript, Integer> scripts = new HashMap<>();
    prompt
        .codePoints()
        .filter(Character::isLetter)
        .forEach(cp -> scripts.merge(Character.UnicodeScript.of(cp), 1, Integer::sum));
    Character.UnicodeScript main =
        scripts.entrySet().stream()
            .max(Map.Entry.comparingByValue())
            .map(Map.Entry::getKey)
            .orElse(Character.UnicodeScript.LATIN);
    if (main != Character.UnicodeScript.LATIN) {
      return main.name().toLowerCase(Locale.ROOT);
    }
    String best = "und";
    int bestCount = 0;
    int second = 0;
    for (Map.Entry<String, Set<String>> lang : new java.util.TreeMap<>(FUNCTION_WORDS).entrySet()) {
      int count = 0;
      for (String w : words) {
        if (lang.getValue().contains(w)) {
          count++;
        }
      }
      if (count > bestCount) {
        second = bestCount;
        bestCount = count;
        best = lang.getKey();
      } else if (count > second) {
        second = count;
      }
    }
    return bestCount >= 2 && bestCount > second ? best : "und";
  }

  /**
   * Spelled-out numbers across words: "twenty five" is 25, "two hundred and ten" is 210, "5
   * million" is 5000000.
   */
  private static final class NumberWords {
    final List<String> numbers;
    long total;
    long current;
    boolean open;
    boolean afterDigits;

    NumberWords(List<String> numbers) {
      this.numbers = numbers;
    }

    boolean open() {
      return open;
    }

    void add(String word) {
      Long small = SMALL_NUMBERS.get(word);
      if (small != null) {
        if (!open) {
          afterDigits = false;
        }
        current += small;
        open = true;
        return;
      }
      long scale = SCALES.get(word);
      if (!open && afterDigits && !numbers.isEmpty()) {
        // "5 million": scale the number just read
        String last = numbers.remove(numbers.size() - 1);
        numbers.add(
            new BigDecimal(last)
                .multiply(BigDecimal.valueOf(scale))
                .stripTrailingZeros()
                .toPlainString());
        afterDigits = false;
        return;
      }
      if (current == 0) {
        current = 1;
      }
      if (scale == 100) {
        current *= scale;
      } else {
        total += current * scale;
        current = 0;
      }
      open = true;
    }

    void flush() {
      if (open) {
        numbers.add(Long.toString(total + current));
      }
      afterDigits = false;
      total = 0;
      current = 0;
      open = false;
    }
  }

  // The record's array component compares by identity; these features are compared field by field
  // in NearMissGuard, never as whole records.
  @Override
  public boolean equals(Object other) {
    return this == other;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  @Override
  public String toString() {
    return "PromptFeatures[numbers="
        + numbers
        + ", negations="
        + negations
        + ", entities="
        + new TreeSet<>(entities)
        + ", units="
        + new TreeSet<>(units)
        + ", degrees="
        + degrees
        + ", language="
        + language
        + "]";
  }
}

package io.promptyard.semanticcache;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses a semantic hit whose two prompts, however similar their embeddings, differ in something
 * that changes the answer: "convert 8 km to miles" is not "convert 5 km to miles", nor "is X safe"
 * "is X not safe". A pure function of the two texts.
 */
public final class NearMissGuard {

  /** What differs between two prompts. */
  public enum Difference {
    LANGUAGE,
    NUMBER,
    NEGATION,
    UNIT,
    ENTITY,
    DIRECTION,
    COMPARATIVE,
    OPPOSITE
  }

  /**
   * Why a hit was refused.
   *
   * @param difference what kind of thing differs
   * @param detail what it is in each prompt, for logs and tests
   */
  public record NearMiss(Difference difference, String detail) {}

  private NearMissGuard() {}

  /** Why {@code cached} must not answer {@code asked}, or empty when nothing known differs. */
  public static Optional<NearMiss> compare(String asked, String cached) {
    return compare(PromptFeatures.of(asked), PromptFeatures.of(cached));
  }

  static Optional<NearMiss> compare(PromptFeatures a, PromptFeatures b) {
    if (!a.language().equals(b.language())
        && !"und".equals(a.language())
        && !"und".equals(b.language())) {
      return miss(Difference.LANGUAGE, a.language(), b.language());
    }
    if (!a.sortedNumbers().equals(b.sortedNumbers())) {
      return miss(Difference.NUMBER, a.numbers(), b.numbers());
    }
    if (a.negations() != b.negations()) {
      return miss(Difference.NEGATION, a.negations(), b.negations());
    }
    if (!a.units().equals(b.units())) {
      return miss(Difference.UNIT, a.units(), b.units());
    }
    if (!namesIn(a.entities(), b.words()) || !namesIn(b.entities(), a.words())) {
      return miss(Difference.ENTITY, a.entities(), b.entities());
    }
    if (reordered(a.salient(), b.salient()) || swapped(a.fromTo(), b.fromTo())) {
      return miss(Difference.DIRECTION, a.salient(), b.salient());
    }
    if (!a.degrees().equals(b.degrees())) {
      return miss(Difference.COMPARATIVE, a.degrees(), b.degrees());
    }
    return opposite(a.words(), b.words());
  }

  /** Every name of one prompt is a word of the other, in whatever case. */
  private static boolean namesIn(Set<String> names, Set<String> words) {
    for (String name : names) {
      if (!words.contains(name) && !words.contains(name + "'s") && !words.contains(name + "s")) {
        return false;
      }
    }
    return true;
  }

  /**
   * The same names and units in another order: "from Paris to Rome" and "from Rome to Paris", "km
   * to miles" and "miles to km".
   */
  private static boolean reordered(List<String> a, List<String> b) {
    if (a.size() < 2 || a.equals(b)) {
      return false;
    }
    List<String> firstA = a.stream().distinct().toList();
    List<String> firstB = b.stream().distinct().toList();
    return firstA.size() == firstB.size()
        && Set.copyOf(firstA).equals(Set.copyOf(firstB))
        && !firstA.equals(firstB);
  }

  private static boolean swapped(String[] a, String[] b) {
    return a != null && b != null && !a[0].equals(a[1]) && a[0].equals(b[1]) && a[1].equals(b[0]);
  }

  /** A word of one prompt whose opposite stands in the other, the word itself not. */
  private static Optional<NearMiss> opposite(Set<String> a, Set<String> b) {
    for (String word : a) {
      String stem = singular(word);
      Set<String> opposites = NearMissLexicon.OPPOSITES.get(stem);
      if (opposites == null || b.contains(word) || containsStem(b, stem)) {
        continue;
      }
      for (String other : b) {
        if (opposites.contains(singular(other)) && !containsStem(a, singular(other))) {
          return miss(Difference.OPPOSITE, word, other);
        }
      }
    }
    return Optional.empty();
  }

  private static boolean containsStem(Set<String> words, String stem) {
    for (String w : words) {
      if (singular(w).equals(stem)) {
        return true;
      }
    }
    return false;
  }

  private static String singular(String word) {
    if (word.length() <= 3 || !word.endsWith("s") || word.endsWith("ss")) {
      return word;
    }
    if (word.endsWith("ies")) {
      return word.substring(0, word.length() - 3) + "y";
    }
    if (word.endsWith("sses")
        || word.endsWith("xes")
        || word.endsWith("ches")
        || word.endsWith("shes")) {
      return word.substring(0, word.length() - 2);
    }
    return word.substring(0, word.length() - 1);
  }

  private static Optional<NearMiss> miss(Difference difference, Object a, Object b) {
    return Optional.of(new NearMiss(difference, render(a) + " ≠ " + render(b)));
  }

  private static String render(Object value) {
    return value instanceof String[] array ? Arrays.toString(array) : String.valueOf(value);
  }
}

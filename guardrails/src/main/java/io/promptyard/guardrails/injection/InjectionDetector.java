package io.promptyard.guardrails.injection;

import io.promptyard.guardrails.injection.InjectionRules.Rule;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Scores how likely a message is to be a prompt injection, in [0, 1]: rules by family (direct
 * overrides, role-play jailbreaks, system-prompt extraction, instructions hidden in documents and
 * tool output, markup tricks, exfiltration, a few other languages), run over the text and over the
 * views that undo obfuscation, plus character-shingle similarity to a shipped corpus of known
 * attacks. Distinct families combine as independent evidence. Thread-safe.
 */
public final class InjectionDetector {

  /** Similarity below this to every known attack adds nothing. */
  private static final double SIMILARITY_FLOOR = 0.35;

  private final KnownAttacks known = KnownAttacks.load();

  /** A message's score and the signals that gave it (rule families, obfuscations, similarity). */
  public record Assessment(double score, List<String> signals) {}

  /**
   * The message's assessment. A message that discusses injection has its quoted passages (the
   * examples a lecture quotes) count for less: its score is the larger of the score without them
   * and the discounted score with them.
   */
  public Assessment assess(String text) {
    TextViews views = TextViews.of(text);
    Assessment whole = assessWhole(text, views);
    if (whole.score() == 0 || !InjectionRules.discusses(views.normal())) {
      return whole;
    }
    String unquoted = QUOTED.matcher(text).replaceAll(" ");
    Assessment withoutQuotes = assessWhole(unquoted, TextViews.of(unquoted));
    double discounted = whole.score() * DISCUSSION_DISCOUNT;
    return withoutQuotes.score() >= discounted
        ? withoutQuotes
        : new Assessment(Math.round(discounted * 1000) / 1000.0, whole.signals());
  }

  private static final java.util.regex.Pattern QUOTED =
      java.util.regex.Pattern.compile("'[^'\\n]{8,}'|\"[^\"\\n]{8,}\"|“[^”\\n]{8,}”|«[^»\\n]{8,}»");

  /** What a message that discusses injection keeps of the score of what it quotes. */
  private static final double DISCUSSION_DISCOUNT = 0.4;

  private Assessment assessWhole(String text, TextViews views) {
    Map<String, Double> families = new TreeMap<>();
    Predicate<String> inNormal = InjectionRules.WORDS.in(views.normal());
    for (Rule r : InjectionRules.TEXT) {
      if (r.matches(views.normal(), inNormal)) {
        families.merge(r.family(), r.weight(), Math::max);
      }
    }
    // No markup rule's trigger word holds a space, and an ASCII text's normal form differs from it
    // in case and
    // spaces only, so it has the same words; another text's may not (NFKC composes characters).
    Predicate<String> inRaw =
        views.ascii() ? inNormal : InjectionRules.WORDS.in(text.toLowerCase(Locale.ROOT));
    for (Rule r : InjectionRules.MARKUP) {
      if (r.matches(text, inRaw)) {
        families.merge(r.family(), r.weight(), Math::max);
      }
    }
    for (TextViews.View view : views.hidden()) {
      Predicate<String> inView = InjectionRules.WORDS.in(view.text());
      for (Rule r : InjectionRules.TEXT) {
        if (!families.containsKey(r.family()) && r.matches(view.text(), inView)) {
          families.merge(r.family(), r.weight(), Math::max);
          families.merge("obfuscation:" + view.obfuscation(), 0.3, Math::max);
        }
      }
    }
    if (views.zeroWidth() && views.normal().matches("(?s).*\\p{L}.*")) {
      families.merge("obfuscation:zero-width", families.isEmpty() ? 0.15 : 0.3, Math::max);
    }
    double similarity = known.similarity(views.normal());
    for (TextViews.View view : views.hidden()) {
      similarity = Math.max(similarity, known.similarity(view.text()));
    }
    if (similarity >= SIMILARITY_FLOOR) {
      families.put("similar-to-known-attack", Math.min(0.85, similarity));
    }
    double clean = 1;
    for (double w : families.values()) {
      clean *= 1 - w;
    }
    double score = 1 - clean;
    return new Assessment(Math.round(score * 1000) / 1000.0, List.copyOf(families.keySet()));
  }
}

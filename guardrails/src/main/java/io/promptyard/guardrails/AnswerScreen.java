package io.promptyard.guardrails;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Output moderation's local half: the personal data and secrets in a model's answer, found by the
 * detectors that read requests — every one but {@code injection}, which judges instructions to a
 * model, not what a model says — and the answer with each value replaced by a placeholder. The
 * findings hold kinds and spans, never a value. Thread-safe.
 */
public final class AnswerScreen {

  private static final Set<Detector> DETECTORS =
      EnumSet.complementOf(EnumSet.of(Detector.INJECTION));

  private AnswerScreen() {}

  /** What the detectors found in one answer. */
  public record Screened(List<Finding> findings, String redactedText) {

    /** Whether nothing was found. */
    public boolean clean() {
      return findings.isEmpty();
    }

    /** The highest score of the findings; 0 when there are none. */
    public double score() {
      return findings.stream().mapToDouble(Finding::score).max().orElse(0);
    }

    /** The kinds of value found ({@code EMAIL}, {@code OPENAI_KEY}…), in order. */
    public SortedSet<String> types() {
      TreeSet<String> types = new TreeSet<>();
      findings.forEach(f -> types.add(f.type()));
      return types;
    }
  }

  /**
   * The personal data and secrets in {@code answer}, phone numbers without a country code read in
   * {@code phoneRegion}'s plan, and the answer with each value replaced by its placeholder ({@code
   * [EMAIL_1]}…, numbered within this answer).
   */
  public static Screened screen(String answer, String phoneRegion) {
    List<Finding> found = Guard.Detectors.PII.find(answer, DETECTORS, phoneRegion);
    String redacted = found.isEmpty() ? answer : new Redactions().apply(answer, found);
    return new Screened(found, redacted);
  }
}

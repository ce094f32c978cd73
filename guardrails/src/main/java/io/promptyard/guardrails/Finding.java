package io.promptyard.guardrails;

/**
 * One thing a detector found in a text: which detector, the kind of value ({@code EMAIL}, {@code
 * OPENAI_KEY}, {@code INJECTION}…), its character span {@code [start, end)} and a score in [0, 1].
 * It never holds the value itself.
 */
public record Finding(Detector detector, String type, int start, int end, double score) {

  public Finding {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("bad span [" + start + ", " + end + ")");
    }
  }

  /** Whether this finding's span shares a character with {@code other}'s. */
  public boolean overlaps(Finding other) {
    return start < other.end && other.start < end;
  }
}

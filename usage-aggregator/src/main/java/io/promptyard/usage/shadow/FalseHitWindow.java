package io.promptyard.usage.shadow;

/**
 * A team's most recent shadow verifications, oldest first ({@code '1'} a disagreement, {@code '0'}
 * an agreement), and whether its semantic mode is paused: the state the aggregator keeps per team,
 * stored as one string ({@link #encode}).
 */
public record FalseHitWindow(String outcomes, boolean paused) {

  /** No sample yet, not paused. */
  public static final FalseHitWindow EMPTY = new FalseHitWindow("", false);

  /** This window with one more outcome, the oldest dropped past {@code size}. */
  public FalseHitWindow add(boolean disagreed, int size) {
    String added = outcomes + (disagreed ? '1' : '0');
    return new FalseHitWindow(
        added.length() > size ? added.substring(added.length() - size) : added, paused);
  }

  /** This window, paused or not. */
  public FalseHitWindow paused(boolean on) {
    return new FalseHitWindow(outcomes, on);
  }

  public int samples() {
    return outcomes.length();
  }

  public int disagreements() {
    return (int) outcomes.chars().filter(c -> c == '1').count();
  }

  /** Disagreements over samples; 0 with no sample. */
  public double rate() {
    return outcomes.isEmpty() ? 0 : (double) disagreements() / outcomes.length();
  }

  /** As stored: {@code P} (paused) or {@code R} (running), then the outcomes. */
  public String encode() {
    return (paused ? "P" : "R") + outcomes;
  }

  /** A window read back from {@link #encode}; {@link #EMPTY} for null. */
  public static FalseHitWindow decode(String stored) {
    return stored == null || stored.isEmpty()
        ? EMPTY
        : new FalseHitWindow(stored.substring(1), stored.charAt(0) == 'P');
  }
}

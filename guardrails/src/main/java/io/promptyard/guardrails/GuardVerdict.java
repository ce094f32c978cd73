package io.promptyard.guardrails;

import io.promptyard.guardrails.injection.InjectionDetector;
import java.util.List;

/**
 * What a guard decided about one request: the most severe action any finding called for, a summary
 * per detector (the part a result carries), and per message the findings, the injection assessment
 * and the text that goes on. Holds no detected value but inside {@link #redactions()}.
 */
public record GuardVerdict(
    Action decision,
    List<DetectorVerdict> verdicts,
    List<MessageVerdict> messages,
    Redactions redactions) {

  /** One detector's part: its action, how many findings, the highest score. */
  public record DetectorVerdict(Detector detector, Action action, int count, double score) {}

  /** A finding with the action the policy gave it and, when redacted, its placeholder. */
  public record AppliedFinding(Finding finding, Action action, String placeholder) {}

  /**
   * One message: its findings, its injection assessment and its text after redaction (values of a
   * flagged detector stay; values of redacted and blocked detectors are replaced).
   */
  public record MessageVerdict(
      List<AppliedFinding> findings, InjectionDetector.Assessment injection, String redactedText) {}

  /** Whether the request must be rejected. */
  public boolean blocked() {
    return decision == Action.BLOCK;
  }

  /** The detectors whose findings block the request, for a rejection's message. */
  public List<Detector> blockingDetectors() {
    return verdicts.stream()
        .filter(v -> v.action() == Action.BLOCK)
        .map(DetectorVerdict::detector)
        .toList();
  }
}

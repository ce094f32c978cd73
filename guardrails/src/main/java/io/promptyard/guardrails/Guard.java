package io.promptyard.guardrails;

import io.promptyard.guardrails.GuardVerdict.AppliedFinding;
import io.promptyard.guardrails.GuardVerdict.DetectorVerdict;
import io.promptyard.guardrails.GuardVerdict.MessageVerdict;
import io.promptyard.guardrails.injection.InjectionDetector;
import io.promptyard.guardrails.pii.PiiDetector;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a {@link GuardPolicy} to the texts of one request: finds personal data, secrets and
 * injections, and redacts, flags or blocks as the policy says. The detectors are built once per JVM
 * (the phone metadata and attack corpus are loaded then); a guard is thread-safe.
 */
public final class Guard {

  static final class Detectors {
    static final PiiDetector PII = new PiiDetector();
    static final InjectionDetector INJECTION = new InjectionDetector();
  }

  private final GuardPolicy policy;
  private final Set<Detector> piiEnabled = EnumSet.noneOf(Detector.class);

  public Guard(GuardPolicy policy) {
    this.policy = policy;
    for (Detector d : Detector.values()) {
      if (d != Detector.INJECTION && policy.action(d) != Action.OFF) {
        piiEnabled.add(d);
      }
    }
  }

  public GuardPolicy policy() {
    return policy;
  }

  /** The verdict on a request whose message and content-part texts are {@code texts}. */
  public GuardVerdict inspect(List<String> texts) {
    Redactions redactions = new Redactions();
    Map<Detector, DetectorVerdict> byDetector = new EnumMap<>(Detector.class);
    List<MessageVerdict> messages = new ArrayList<>(texts.size());
    for (String text : texts) {
      List<AppliedFinding> applied = new ArrayList<>();
      List<Finding> toReplace = new ArrayList<>();
      List<Finding> found =
          piiEnabled.isEmpty()
              ? List.of()
              : Detectors.PII.find(text, piiEnabled, policy.phoneRegion());
      for (Finding f : found) {
        Action action = policy.action(f.detector());
        String placeholder = null;
        if (action == Action.REDACT || action == Action.BLOCK) {
          toReplace.add(f);
          placeholder = redactions.placeholder(f.type(), text.substring(f.start(), f.end()));
        }
        applied.add(new AppliedFinding(f, action, placeholder));
      }
      InjectionDetector.Assessment injection = null;
      Action injectionAction = policy.action(Detector.INJECTION);
      if (injectionAction != Action.OFF) {
        injection = Detectors.INJECTION.assess(text);
        if (injection.score() >= policy.injectionThreshold()) {
          Finding f =
              new Finding(Detector.INJECTION, "INJECTION", 0, text.length(), injection.score());
          applied.add(new AppliedFinding(f, injectionAction, null));
        }
      }
      for (AppliedFinding a : applied) {
        byDetector.merge(
            a.finding().detector(),
            new DetectorVerdict(a.finding().detector(), a.action(), 1, a.finding().score()),
            (x, y) ->
                new DetectorVerdict(
                    x.detector(), x.action(), x.count() + 1, Math.max(x.score(), y.score())));
      }
      messages.add(
          new MessageVerdict(List.copyOf(applied), injection, redactions.apply(text, toReplace)));
    }
    Action decision = Action.OFF;
    for (DetectorVerdict v : byDetector.values()) {
      if (v.action().compareTo(decision) > 0) {
        decision = v.action();
      }
    }
    return new GuardVerdict(
        decision, List.copyOf(byDetector.values()), List.copyOf(messages), redactions);
  }
}

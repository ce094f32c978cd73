package io.promptyard.guardrails.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.promptyard.guardrails.GuardPolicy;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The detectors keep at least the precision and recall measured on the shipped evaluation sets
 * (docs/GUARDRAILS.md has the figures); the floors sit a little under them so a regression fails.
 */
class GuardEvaluationTest {

  private static GuardEvaluation.Report report;

  @BeforeAll
  static void evaluate() throws Exception {
    report = GuardEvaluation.run(GuardPolicy.DEFAULT.injectionThreshold());
  }

  @Test
  void theSetsHaveTheAdvertisedSize() {
    assertThat(report.piiCases()).isGreaterThanOrEqualTo(300);
    assertThat(report.injectionCases()).isGreaterThanOrEqualTo(300);
  }

  @Test
  void everyDetectorStaysAboveItsFloors() {
    Map<String, double[]> floors =
        Map.of(
            "email",
            new double[] {0.95, 0.95},
            "phone",
            new double[] {0.95, 0.95},
            "card",
            new double[] {0.95, 0.95},
            "iban",
            new double[] {0.95, 0.95},
            "ip",
            new double[] {0.9, 0.9},
            "ssn",
            new double[] {0.9, 0.9},
            "secret",
            new double[] {0.95, 0.95},
            "injection",
            new double[] {0.9, 0.9},
            // written after the rules and never tuned on: the honest figure, and a low one
            GuardEvaluation.HOLDOUT,
            new double[] {0.9, 0.3});
    floors.forEach(
        (name, f) -> {
          GuardEvaluation.Score s = report.scores().get(name);
          assertThat(s).as(name).isNotNull();
          assertThat(s.precision())
              .as(name + " precision; mistakes " + s.mistakes())
              .isGreaterThanOrEqualTo(f[0]);
          assertThat(s.recall())
              .as(name + " recall; mistakes " + s.mistakes())
              .isGreaterThanOrEqualTo(f[1]);
        });
  }
}

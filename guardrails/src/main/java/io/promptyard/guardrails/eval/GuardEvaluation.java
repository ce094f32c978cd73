package io.promptyard.guardrails.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptyard.guardrails.Detector;
import io.promptyard.guardrails.Finding;
import io.promptyard.guardrails.GuardPolicy;
import io.promptyard.guardrails.injection.InjectionDetector;
import io.promptyard.guardrails.pii.PiiDetector;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Precision and recall of each detector on the labelled sets shipped with the project ({@code
 * eval/pii.jsonl}, {@code eval/injection.jsonl}, {@code eval/injection-holdout.jsonl}): a PII
 * finding is right when an expected value of its detector lies under its span; a prompt counts as
 * an injection when its score reaches the threshold.
 */
public final class GuardEvaluation {

  private static final ObjectMapper JSON = new ObjectMapper();

  private GuardEvaluation() {}

  /** One detector's counts and the cases it got wrong (ids only). */
  public record Score(
      int truePositives, int falsePositives, int falseNegatives, List<String> mistakes) {

    public double precision() {
      int found = truePositives + falsePositives;
      return found == 0 ? 1.0 : (double) truePositives / found;
    }

    public double recall() {
      int expected = truePositives + falseNegatives;
      return expected == 0 ? 1.0 : (double) truePositives / expected;
    }
  }

  /** The scores per detector name (and {@value #HOLDOUT}), and how many cases each set had. */
  public record Report(
      Map<String, Score> scores, int piiCases, int injectionCases, int holdoutCases) {}

  /**
   * The injection detector on {@code injection-holdout.jsonl}: 40 prompts written by hand after the
   * rules were tuned on {@code injection.jsonl}, and never tuned on, so its figures say how the
   * rules do on phrasings they were not fitted to.
   */
  public static final String HOLDOUT = "injection-holdout";

  /** Evaluates the detectors on the shipped sets, injections at {@code injectionThreshold}. */
  public static Report run(double injectionThreshold) throws IOException {
    Map<String, Counter> counters = new TreeMap<>();
    List<JsonNode> pii = read("pii.jsonl");
    PiiDetector detector = new PiiDetector();
    Set<Detector> all = EnumSet.complementOf(EnumSet.of(Detector.INJECTION));
    for (JsonNode c : pii) {
      String id = c.path("id").asText();
      String text = c.path("text").asText();
      List<Finding> found =
          new ArrayList<>(detector.find(text, all, GuardPolicy.DEFAULT.phoneRegion()));
      for (JsonNode e : c.path("expected")) {
        Detector expected = detectorOf(e.path("type").asText());
        int start = text.indexOf(e.path("value").asText());
        Finding want =
            new Finding(expected, "", start, start + e.path("value").asText().length(), 1);
        Counter counter = counters.computeIfAbsent(expected.policyName(), k -> new Counter());
        Finding hit =
            found.stream()
                .filter(f -> f.detector() == expected && f.overlaps(want))
                .findFirst()
                .orElse(null);
        if (hit != null) {
          counter.truePositives++;
          found.remove(hit);
        } else {
          counter.falseNegatives++;
          counter.mistakes.add(id + " missed");
        }
      }
      for (Finding f : found) {
        Counter counter = counters.computeIfAbsent(f.detector().policyName(), k -> new Counter());
        counter.falsePositives++;
        counter.mistakes.add(id + " false " + f.type());
      }
    }
    List<JsonNode> prompts = read("injection.jsonl");
    InjectionDetector injections = new InjectionDetector();
    countInjections(
        prompts,
        injections,
        injectionThreshold,
        counters.computeIfAbsent(Detector.INJECTION.policyName(), k -> new Counter()));
    List<JsonNode> holdout = read("injection-holdout.jsonl");
    countInjections(
        holdout,
        injections,
        injectionThreshold,
        counters.computeIfAbsent(HOLDOUT, k -> new Counter()));
    Map<String, Score> scores = new TreeMap<>();
    counters.forEach(
        (name, k) ->
            scores.put(
                name,
                new Score(
                    k.truePositives, k.falsePositives, k.falseNegatives, List.copyOf(k.mistakes))));
    return new Report(scores, pii.size(), prompts.size(), holdout.size());
  }

  private static void countInjections(
      List<JsonNode> prompts,
      InjectionDetector injections,
      double injectionThreshold,
      Counter counter) {
    for (JsonNode c : prompts) {
      boolean flagged = injections.assess(c.path("text").asText()).score() >= injectionThreshold;
      boolean injection = c.path("injection").asBoolean();
      if (flagged && injection) {
        counter.truePositives++;
      } else if (flagged) {
        counter.falsePositives++;
        counter.mistakes.add(c.path("id").asText() + " false");
      } else if (injection) {
        counter.falseNegatives++;
        counter.mistakes.add(c.path("id").asText() + " missed");
      }
    }
  }

  private static final class Counter {
    int truePositives;
    int falsePositives;
    int falseNegatives;
    final List<String> mistakes = new ArrayList<>();
  }

  private static Detector detectorOf(String type) {
    return switch (type) {
      case "IP_ADDRESS" -> Detector.IP;
      case "OPENAI_KEY", "ANTHROPIC_KEY", "AWS_ACCESS_KEY", "GITHUB_TOKEN", "JWT", "PRIVATE_KEY" ->
          Detector.SECRET;
      default -> Detector.valueOf(type);
    };
  }

  private static List<JsonNode> read(String name) throws IOException {
    try (InputStream in = GuardEvaluation.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("evaluation set " + name + " is missing from the class path");
      }
      List<JsonNode> cases = new ArrayList<>();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isBlank()) {
          cases.add(JSON.readTree(line));
        }
      }
      return cases;
    }
  }
}

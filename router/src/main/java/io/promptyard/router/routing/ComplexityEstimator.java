package io.promptyard.router.routing;

import io.promptyard.schemas.CompletionRequest;
import io.promptyard.schemas.ContentPart;
import io.promptyard.schemas.Message;
import io.promptyard.schemas.Parameters;
import io.promptyard.schemas.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * How demanding a request is, from 0 (a lookup a small model answers) to 1 (code, proofs, plans):
 * the {@code auto} alias sends a request scoring at or above its threshold to the {@code smart}
 * models and the rest to the {@code cheap} ones. Pure and fast, since it runs on every {@code auto}
 * request: regular expressions over the last user message (its first {@value #SCANNED_CHARS}
 * characters) and the system prompt, no model. What is asked (a coding task, a proof, a plan, a
 * routine task) is looked for in the message's first and last paragraphs, what is pasted (code, a
 * stack trace, formulas) anywhere. Each {@link Signal} adds its weight; a routine task (translate,
 * summarise, extract, classify) takes {@value #ROUTINE_DISCOUNT} off, so a long text to summarise
 * stays cheap; the sum is clamped to [0, 1]. The weights were set by hand on the labelled set
 * {@code io/promptyard/router/eval/auto-routing.jsonl} and measured on a holdout written after them
 * (docs/REQUESTS.md has the figures).
 */
public final class ComplexityEstimator {

  /** What made a request look demanding (or routine), with the label the routing reason shows. */
  public enum Signal {
    CODE("code"),
    MATH("math"),
    MULTI_STEP("multi-step"),
    CONSTRAINTS("constraints"),
    DETAILED_ASK("detailed ask"),
    LONG_OUTPUT("long output"),
    LONG_INPUT("long input"),
    TOOLS("tools"),
    STRUCTURED_OUTPUT("structured output"),
    SYSTEM_DEMANDS("system demands"),
    ROUTINE("routine task");

    private final String label;

    Signal(String label) {
      this.label = label;
    }

    /** The signal's name in a routing reason. */
    public String label() {
      return label;
    }
  }

  /**
   * A request's score and the signals that made it, strongest first.
   *
   * @param weights each signal found and what it added (negative for {@link Signal#ROUTINE})
   */
  public record Complexity(double score, Map<Signal, Double> weights) {

    public Complexity {
      weights = Map.copyOf(weights);
    }

    /** The signals found, strongest first (the routine discount last). */
    public List<Signal> signals() {
      return weights.entrySet().stream()
          .sorted(
              Map.Entry.<Signal, Double>comparingByValue(Comparator.reverseOrder())
                  .thenComparing(Map.Entry.comparingByKey()))
          .map(Map.Entry::getKey)
          .toList();
    }

    /** The signals' labels, comma-separated, or "no signals". */
    public String describe() {
      List<Signal> found = signals();
      return found.isEmpty()
          ? "no signals"
          : String.join(", ", found.stream().map(Signal::label).toList());
    }
  }

  /** How much of the last user message the patterns read; the length counts all of it. */
  static final int SCANNED_CHARS = 24_000;

  /** Taken off when the instruction asks for a routine task. */
  static final double ROUTINE_DISCOUNT = 0.25;

  /** How far from either end of the last user message an instruction is looked for. */
  private static final int INSTRUCTION_CHARS = 400;

  private ComplexityEstimator() {}

  /** The complexity of {@code request}: its last user message and its context. */
  public static Complexity estimate(CompletionRequest request) {
    String last = "";
    StringBuilder system = new StringBuilder();
    long contextChars = 0;
    for (Message m : request.getMessages()) {
      String text = textOf(m);
      contextChars += text.length();
      if (m.getRole() == Role.USER) {
        last = text;
      } else if (m.getRole() == Role.SYSTEM || m.getRole() == Role.DEVELOPER) {
        system.append(text).append('\n');
      }
    }
    // What is asked is read in the instruction (the ends of the message); what is pasted (code,
    // formulas) anywhere in it: a report to summarise that mentions a plan is not a planning task.
    String scanned = last.length() > SCANNED_CHARS ? last.substring(0, SCANNED_CHARS) : last;
    // the vocabulary is lower case: one lower-casing is cheaper than case-insensitive matching
    String ask = instruction(scanned).toLowerCase(Locale.ROOT);
    Parameters p = request.getParameters();
    Map<Signal, Double> weights = new EnumMap<>(Signal.class);
    add(weights, Signal.CODE, code(scanned, ask));
    add(weights, Signal.MATH, math(scanned, ask));
    add(weights, Signal.MULTI_STEP, multiStep(ask));
    int constraints = count(ComplexityVocabulary.CONSTRAINT.matcher(ask), 3);
    add(weights, Signal.CONSTRAINTS, constraints >= 3 ? 0.3 : constraints == 2 ? 0.15 : 0);
    int words = count(ComplexityVocabulary.WORD.matcher(firstParagraph(ask)), 40);
    add(weights, Signal.DETAILED_ASK, words >= 40 ? 0.25 : words >= 25 ? 0.15 : 0);
    add(weights, Signal.LONG_OUTPUT, longOutput(ask, p));
    // ~4 characters a token: the estimator needs an order of magnitude, not the tokenizer's count
    long tokens = contextChars / 4;
    add(weights, Signal.LONG_INPUT, tokens >= 12_000 ? 0.2 : tokens >= 3_000 ? 0.1 : 0);
    add(weights, Signal.TOOLS, p != null && !p.getTools().isEmpty() ? 0.2 : 0);
    add(
        weights,
        Signal.STRUCTURED_OUTPUT,
        p != null
                && p.getResponseFormat() != null
                && "json_schema".equals(p.getResponseFormat().getType())
            ? 0.1
            : 0);
    add(weights, Signal.SYSTEM_DEMANDS, systemDemands(system.toString().toLowerCase(Locale.ROOT)));
    if (ComplexityVocabulary.ROUTINE_TASK.matcher(ask).find()
        && !weights.containsKey(Signal.CODE)) {
      weights.put(Signal.ROUTINE, -ROUTINE_DISCOUNT);
    }
    double sum = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    return new Complexity(Math.round(Math.clamp(sum, 0.0, 1.0) * 100) / 100.0, weights);
  }

  private static double code(String text, String ask) {
    double w = 0;
    boolean pasted =
        ComplexityVocabulary.FENCE.matcher(text).find()
            || ComplexityVocabulary.mayHoldStackTrace(text)
                && ComplexityVocabulary.STACK_TRACE.matcher(text).find()
            || count(ComplexityVocabulary.CODE_LINE.matcher(text), 3) >= 3
            || ComplexityVocabulary.mayHoldCall(text)
                && count(ComplexityVocabulary.CODE_IDENTIFIER.matcher(text), 2) >= 2;
    if (pasted) {
      w += 0.3;
    }
    // "what is wrong?" asks for a code task only about code
    if (ComplexityVocabulary.CODE_TASK.matcher(ask).find()
        || pasted && ComplexityVocabulary.DEBUG_ASK.matcher(ask).find()) {
      w += 0.5;
    }
    return w;
  }

  private static double math(String text, String ask) {
    double w = 0;
    if (ComplexityVocabulary.mayHoldNotation(text)
            && ComplexityVocabulary.MATH_NOTATION.matcher(text).find()
        || ComplexityVocabulary.mayHoldOperation(text)
            && count(ComplexityVocabulary.OPERATION.matcher(text), 2) >= 2) {
      w += 0.25;
    }
    if (ComplexityVocabulary.MATH_WORDS.matcher(ask).find()
        || (ComplexityVocabulary.QUANTITY_QUESTION.matcher(ask).find()
            && count(ComplexityVocabulary.NUMBER.matcher(ask), 2) >= 2)) {
      w += 0.5;
    }
    return w;
  }

  private static double multiStep(String ask) {
    int markers = count(ComplexityVocabulary.REASONING_MARKER.matcher(ask), 2);
    double w = markers >= 2 ? 0.5 : markers == 1 ? 0.35 : 0;
    long questions = ask.chars().filter(c -> c == '?').count();
    if (count(ComplexityVocabulary.SUB_QUESTION.matcher(ask), 3) >= 3 && questions >= 2
        || questions >= 3) {
      w += 0.15;
    }
    return w;
  }

  private static double longOutput(String ask, Parameters p) {
    Integer maxTokens = p == null ? null : p.getMaxTokens();
    double w = maxTokens == null ? 0 : maxTokens >= 4_000 ? 0.2 : maxTokens >= 2_000 ? 0.1 : 0;
    if (ComplexityVocabulary.LONG_WRITING.matcher(ask).find()) {
      w += 0.3;
    }
    return w;
  }

  private static double systemDemands(CharSequence system) {
    if (system.isEmpty()) {
      return 0;
    }
    return count(ComplexityVocabulary.DEMAND.matcher(system), 5) >= 5 || system.length() > 2_000
        ? 0.2
        : 0;
  }

  /** The text up to the first blank line: the ask, before any pasted material. */
  private static String firstParagraph(String text) {
    int blank = text.indexOf("\n\n");
    return blank < 0 ? text : text.substring(0, blank);
  }

  /**
   * Where a message says what it asks for: its first and its last paragraph (at most {@value
   * #INSTRUCTION_CHARS} characters of each), around whatever it pastes in between.
   */
  private static String instruction(String message) {
    String text = message.strip();
    int firstEnd = text.indexOf("\n\n");
    int lastStart = text.lastIndexOf("\n\n");
    if (firstEnd < 0 && text.length() <= 2 * INSTRUCTION_CHARS) {
      return text;
    }
    String first =
        text.substring(0, Math.min(firstEnd < 0 ? text.length() : firstEnd, INSTRUCTION_CHARS));
    String last = lastStart < 0 ? text : text.substring(lastStart + 2);
    return first
        + "\n\n"
        + (last.length() > INSTRUCTION_CHARS
            ? last.substring(last.length() - INSTRUCTION_CHARS)
            : last);
  }

  private static void add(Map<Signal, Double> weights, Signal signal, double weight) {
    if (weight != 0) {
      weights.put(signal, weight);
    }
  }

  /** How many times {@code m} matches, counting no further than {@code enough}. */
  private static int count(Matcher m, int enough) {
    int n = 0;
    while (n < enough && m.find()) {
      n++;
    }
    return n;
  }

  private static String textOf(Message m) {
    List<String> texts = new ArrayList<>();
    if (m.getText() != null) {
      texts.add(m.getText());
    }
    for (ContentPart part : m.getParts()) {
      if (part.getText() != null) {
        texts.add(part.getText());
      }
    }
    return String.join("\n", texts);
  }
}

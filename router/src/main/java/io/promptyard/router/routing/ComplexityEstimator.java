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
import java.util.regex.Pattern;

/**
 * How demanding a request is, from 0 (a lookup a small model answers) to 1 (code, proofs, plans):
 * the {@code auto} alias sends a request scoring at or above its threshold to the {@code smart}
 * models and the rest to the {@code cheap} ones. Pure and fast, since it runs on every {@code auto}
 * request: a handful of regular expressions over the last user message (its first {@value
 * #SCANNED_CHARS} characters) and the system prompt, no model. Each {@link Signal} adds its weight;
 * a routine task (translate, summarise, extract, classify) asked in the instruction takes {@value
 * #ROUTINE_DISCOUNT} off, so a long text to summarise stays cheap; the sum is clamped to [0, 1].
 * The weights were set by hand and checked on {@code io/promptyard/router/eval/auto-routing.jsonl}
 * (docs/REQUESTS.md has the figures).
 */
public final class ComplexityEstimator {

  /** What made a request look demanding (or routine), with the label the routing reason shows. */
  public enum Signal {
    CODE("code"),
    MATH("math"),
    MULTI_STEP("multi-step"),
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

  private static final Pattern FENCE = Pattern.compile("```|~~~");
  private static final Pattern STACK_TRACE =
      Pattern.compile(
          "Traceback \\(most recent call last\\)|^\\s+at [\\w.$<>]+\\([\\w.]*:?\\d*\\)"
              + "|Exception in thread|^\\w*(?:Error|Exception): |^panic: |segmentation fault"
              + "|^\\s*File \"[^\"]+\", line \\d+",
          Pattern.MULTILINE);
  private static final Pattern CODE_LINE =
      Pattern.compile(
          "^\\s*(?:def |class |function |import |from \\w+ import|public |private |return\\b"
              + "|const |let |var |fn |func |#include|SELECT |INSERT |UPDATE |CREATE TABLE"
              + "|if \\(|for \\(|while \\(|}|@\\w+)|[;{]\\s*$",
          Pattern.MULTILINE);
  private static final Pattern CODE_IDENTIFIER =
      Pattern.compile("\\b(?:[a-z]+[A-Z]\\w*|[a-z]+_[a-z_]+|\\w+\\.\\w+)\\(");
  private static final Pattern CODE_TASK =
      Pattern.compile(
          "\\b(?:implement|refactor|debug|unit tests?|regex|regular expression|algorithm"
              + "|time complexity|big-o|compile|segfault|stack trace|race condition|deadlock"
              + "|memory leak|sql query|write (?:a|an|the|me a) (?:\\w+ ){0,3}(?:function|script"
              + "|class|program|method|query|endpoint|parser|test|component|module|cli|migration"
              + "|dockerfile|lambda|hook)|(?:fix|find) (?:the |this |a )?(?:bug|error|crash|failing"
              + "|exception|leak)|why (?:does|is) (?:this|my) (?:code|test|function|query|build"
              + "|program|loop)|code review|pull request|kubernetes|terraform|concurrency"
              + "|thread-safe|optimi[sz]e (?:this|the|my) (?:code|query|function|loop))",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern OPERATION =
      Pattern.compile("\\d\\s*[+\\-*/×÷^]\\s*\\(?\\d|[a-z]\\s*[\\^²³]\\s*\\d|[=<>≤≥]\\s*-?\\d*[a-z]\\b");
  private static final Pattern MATH_NOTATION =
      Pattern.compile("\\\\(?:frac|int|sum|sqrt|lim|prod)|[∫∑√∞≤≥≠∀∃∈π]|\\bf\\(x\\)|\\bdx\\b");
  private static final Pattern MATH_WORDS =
      Pattern.compile(
          "\\b(?:prove|proof|theorem|lemma|derive|derivation|integral|derivative|probability"
              + "|expected value|equation|solve for|combinatori\\w*|permutations?|modulo|prime numbers?"
              + "|matrix|matrices|eigen\\w*|induction|polynomial|logarithm|variance|standard deviation"
              + "|geometric|arithmetic series|converge\\w*|divisible|integer solutions?"
              + "|compound interest|optimi[sz]ation problem)\\b",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern NUMBER = Pattern.compile("\\b\\d+(?:[.,]\\d+)?\\b");
  private static final Pattern QUANTITY_QUESTION =
      Pattern.compile(
          "\\b(?:how (?:many|much|long|far|fast|old)|what (?:is|was) the (?:probability|chance"
              + "|total|average|rate|ratio)|what percentage|at what (?:time|speed)|how likely)\\b",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern REASONING_MARKER =
      Pattern.compile(
          "\\b(?:step[- ]by[- ]step|compare|comparison|trade-?offs?|design|architect\\w*|prove"
              + "|plan(?:ning)?|strateg(?:y|ies)|analy[sz]e|analysis|evaluate|pros and cons|justify"
              + "|think through|root cause|critique|in detail|reason about|weigh|assess|diagnose"
              + "|recommend\\w*|migrat\\w+|roadmap|what would happen if|why\\b[^.?!]{0,80}\\band how"
              + "|edge cases|constraints?)\\b",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern SUB_QUESTION =
      Pattern.compile("^\\s*(?:\\d+[.)]|[a-z][.)]|[-*•])\\s+\\S", Pattern.MULTILINE);
  private static final Pattern LONG_WRITING =
      Pattern.compile(
          "\\b(?:essay|white ?paper|chapter|detailed report|comprehensive|in-depth|in depth"
              + "|full (?:article|report|proposal|specification)|long-form|research paper"
              + "|business plan|(?:[89]\\d\\d|[1-9],?\\d{3})[- ]words?)\\b",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern ROUTINE_TASK =
      Pattern.compile(
          "\\b(?:translate|translation|summari[sz]e|summary|tl;?dr|classify|categori[sz]e"
              + "|extract|sentiment|rephrase|reword|paraphrase|proofread|spelling|grammar|typos?"
              + "|convert (?:this|these|the)|reformat|format (?:this|these|the)|what is the capital"
              + "|define|definition|synonyms?|antonyms?|tag (?:this|these|each)|label (?:this|these"
              + "|each)|detect the language|which language|one word|one sentence|yes or no"
              + "|short reply|reply to (?:this|the) customer|thank-you note|title for|subject line"
              + "|hashtags?|bullet points?|key points|list the|spell out|alphabeti[sz]e|sort (?:these"
              + "|this|the) (?:words|names|list))\\b",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern DEMAND =
      Pattern.compile(
          "\\b(?:must|never|always|do not|don't|only|at most|at least|exactly|should|required?)\\b",
          Pattern.CASE_INSENSITIVE);

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
    String scanned = last.length() > SCANNED_CHARS ? last.substring(0, SCANNED_CHARS) : last;
    Map<Signal, Double> weights = new EnumMap<>(Signal.class);
    add(weights, Signal.CODE, code(scanned));
    add(weights, Signal.MATH, math(scanned));
    add(weights, Signal.MULTI_STEP, multiStep(scanned));
    add(weights, Signal.LONG_OUTPUT, longOutput(scanned, request.getParameters()));
    // ~4 characters a token: the estimator needs an order of magnitude, not the tokenizer's count
    long tokens = contextChars / 4;
    add(weights, Signal.LONG_INPUT, tokens >= 12_000 ? 0.2 : tokens >= 3_000 ? 0.1 : 0);
    Parameters p = request.getParameters();
    add(weights, Signal.TOOLS, p != null && !p.getTools().isEmpty() ? 0.2 : 0);
    add(
        weights,
        Signal.STRUCTURED_OUTPUT,
        p != null && p.getResponseFormat() != null
                && "json_schema".equals(p.getResponseFormat().getType())
            ? 0.1
            : 0);
    add(weights, Signal.SYSTEM_DEMANDS, systemDemands(system));
    if (routine(instruction(scanned)) && !weights.containsKey(Signal.CODE)) {
      weights.put(Signal.ROUTINE, -ROUTINE_DISCOUNT);
    }
    double sum = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    return new Complexity(Math.round(Math.clamp(sum, 0.0, 1.0) * 100) / 100.0, weights);
  }

  private static double code(String text) {
    double w = 0;
    if (FENCE.matcher(text).find()
        || STACK_TRACE.matcher(text).find()
        || count(CODE_LINE.matcher(text), 3) >= 3
        || count(CODE_IDENTIFIER.matcher(text), 2) >= 2) {
      w += 0.3;
    }
    if (CODE_TASK.matcher(text).find()) {
      w += 0.35;
    }
    return w;
  }

  private static double math(String text) {
    double w = 0;
    if (MATH_NOTATION.matcher(text).find() || count(OPERATION.matcher(text), 2) >= 2) {
      w += 0.25;
    }
    if (MATH_WORDS.matcher(text).find()
        || (QUANTITY_QUESTION.matcher(text).find() && count(NUMBER.matcher(text), 3) >= 3)) {
      w += 0.35;
    }
    return w;
  }

  private static double multiStep(String text) {
    int markers = count(REASONING_MARKER.matcher(text), 2);
    double w = markers >= 2 ? 0.4 : markers == 1 ? 0.25 : 0;
    long questions = text.chars().filter(c -> c == '?').count();
    if (count(SUB_QUESTION.matcher(text), 3) >= 3 && questions >= 2 || questions >= 4) {
      w += 0.15;
    }
    return w;
  }

  private static double longOutput(String text, Parameters p) {
    Integer maxTokens = p == null ? null : p.getMaxTokens();
    double w = maxTokens == null ? 0 : maxTokens >= 4_000 ? 0.2 : maxTokens >= 2_000 ? 0.1 : 0;
    if (LONG_WRITING.matcher(text).find()) {
      w += 0.2;
    }
    return w;
  }

  private static double systemDemands(CharSequence system) {
    if (system.isEmpty()) {
      return 0;
    }
    return count(DEMAND.matcher(system), 5) >= 5 || system.length() > 2_000 ? 0.15 : 0;
  }

  /** The start and the end of the message, where a request puts what it asks for. */
  private static String instruction(String text) {
    return text.length() <= 2 * INSTRUCTION_CHARS
        ? text
        : text.substring(0, INSTRUCTION_CHARS)
            + "\n"
            + text.substring(text.length() - INSTRUCTION_CHARS);
  }

  private static boolean routine(String instruction) {
    return ROUTINE_TASK.matcher(instruction.toLowerCase(Locale.ROOT)).find();
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

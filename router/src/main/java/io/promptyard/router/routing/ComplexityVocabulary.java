package io.promptyard.router.routing;

import java.util.regex.Pattern;

/**
 * The words and shapes {@link ComplexityEstimator} looks for: what pasted code, formulas and stack
 * traces look like, and the phrases of a coding, math, reasoning, writing or routine task. The
 * phrase patterns are lower case and are matched against lower-cased text.
 */
final class ComplexityVocabulary {

  private ComplexityVocabulary() {}

  static final Pattern FENCE = Pattern.compile("```|~~~");
  static final Pattern STACK_TRACE =
      Pattern.compile(
          "Traceback \\(most recent call last\\)|^\\s+at [\\w.$<>]+\\([\\w.]*:?\\d*\\)"
              + "|Exception in thread|^\\w*(?:Error|Exception): |^panic: |segmentation fault"
              + "|^\\s*File \"[^\"]+\", line \\d+|\\.[A-Z]\\w*(?:Error|Exception)\\b",
          Pattern.MULTILINE);
  static final Pattern CODE_LINE =
      Pattern.compile(
          "^\\s*(?:def |class |function |import |from \\w+ import|public |private |return\\b"
              + "|const |let |var |fn |func |#include|SELECT |INSERT |UPDATE |CREATE TABLE"
              + "|if \\(|for \\(|while \\(|}|@\\w+)|[;{]\\s*$",
          Pattern.MULTILINE);
  static final Pattern CODE_IDENTIFIER = Pattern.compile("\\b[a-z]\\w*[A-Z_.]\\w*\\(");
  static final Pattern CODE_TASK =
      Pattern.compile(
          "\\b(?:implement|refactor|debug|unit tests?|regex|regular expression|algorithm"
              + "|time complexity|big-o|compile|segfault|stack trace|race condition|deadlock"
              + "|memory leak|sql query|dockerfile|github actions|ci pipeline|helm chart|kubernetes"
              + "|terraform|spring boot|kafka streams|spark job|goroutines?|react (?:hook|component)"
              + "|write (?:a|an|the|me a) (?:[\\w+#-]+ ){0,3}(?:function|script|class|program|method"
              + "|query|endpoint|parser|test|component|module|cli|migration|hook|middleware|workflow"
              + "|topology|module)|in (?:python|java|javascript|typescript|go|golang|rust|c\\+\\+|c#"
              + "|kotlin|scala|ruby|php|swift|bash)\\b|(?:fix|find) (?:the |this |a )?(?:bug|error"
              + "|crash|failing|exception|leak)|why (?:does|is) (?:this|my) (?:code|test|function|query"
              + "|build|program|loop)|code review|pull request|concurrency|thread-safe"
              + "|optimi[sz]e (?:this|the|my) (?:code|query|function|loop))");
  static final Pattern DEBUG_ASK =
      Pattern.compile(
          "\\b(?:what(?:'s| is) (?:wrong|going on|happening)|how (?:do|can|should) i fix|fix it"
              + "|make it (?:fast|faster|quicker)|add error handling|async/await|why (?:is|does|do)"
              + "|find the (?:leak|bug)|explain why)\\b");
  static final Pattern OPERATION =
      Pattern.compile(
          "\\d\\s*[+*×÷^]\\s*\\(?\\d|\\d\\s+[-/]\\s+\\d|[a-z]\\s*\\^\\s*\\d|[=<>≤≥]\\s*-?\\d*[a-z]\\b");
  static final Pattern MATH_NOTATION =
      Pattern.compile(
          "\\\\(?:frac|int|sum|sqrt|lim|prod)|[∫∑√∞≤≥≠∀∃∈π²³]|\\bf\\(x\\)|\\bdx\\b|\\d+!");
  static final Pattern MATH_WORDS =
      Pattern.compile(
          "\\b(?:prove|proof|show that|theorem|lemma|derive|derivation|integral|derivative"
              + "|probability|expected (?:value|number)|equation|solve|combinatori\\w*|permutations?"
              + "|modulo|prime|matrix|matrices|eigen\\w*|induction|polynomial|logarithm|variance"
              + "|standard deviation|statistically significant|geometric|arithmetic series"
              + "|converge\\w*|divisible|integer solutions?|compound(?:ed)? (?:interest|monthly)"
              + "|rigorous|dimensions|trailing zeros|interest rate|monthly payment)\\b");
  static final Pattern NUMBER = Pattern.compile("\\b\\d+(?:[.,]\\d+)?\\b");
  static final Pattern QUANTITY_QUESTION =
      Pattern.compile(
          "\\b(?:how (?:many|much|long|far|fast|old|thick)|what (?:is|was) the (?:probability"
              + "|chance|average|rate|ratio)|what percentage|at what (?:time|speed)"
              + "|how likely|when do we break even)\\b");
  static final Pattern REASONING_MARKER =
      Pattern.compile(
          "\\b(?:step[- ]by[- ]step|compare|comparison|trade-?offs?|design|architect\\w*|prove"
              + "|plan(?:ning)?|strateg(?:y|ies)|analy[sz]e|analysis|evaluate|pros and cons|justify"
              + "|think (?:it )?through|root causes?|critique|in detail|reason about|weigh|assess"
              + "|diagnos\\w+|recommend\\w*|migrat\\w+|roadmap|what would happen if|second-order"
              + "|mechanisms?|what could go wrong|prioriti[sz]ed|specification|requirements"
              + "|itinerary|experiment|edge cases|failure modes|conflict resolution"
              + "|risks?|differential|puzzle|riddle|always lies|tells the truth|counterfeit"
              + "|perfectly rational|who is telling|why does it work|explain why)\\b");
  static final Pattern SUB_QUESTION =
      Pattern.compile("^\\s*(?:\\d+[.)]|[a-z][.)]|[-*•])\\s+\\S", Pattern.MULTILINE);
  static final Pattern CONSTRAINT =
      Pattern.compile(
          "\\b(?:must|it must|avoid|at least|at most|under \\d[\\d,]* (?:words|minutes|mb)"
              + "|no more than|end with|strict|rhyme|without|mention|keeps?|never|exactly"
              + "|include|cover|don't|do not)\\b");
  static final Pattern LONG_WRITING =
      Pattern.compile(
          "\\b(?:essay|white ?paper|chapter|detailed report|comprehensive|in-depth|in depth"
              + "|full (?:article|report|proposal|specification)|long-form|research paper"
              + "|business plan|requirements document|technical specification|speech|short story"
              + "|(?:[89]\\d\\d|[1-9],?\\d{3})[- ]words?)\\b");
  static final Pattern ROUTINE_TASK =
      Pattern.compile(
          "\\b(?:translate|translation|summari[sz]e|summary|tl;?dr|classify|categori[sz]e"
              + "|extract|sentiment|rephrase|reword|paraphrase|proofread|spelling|grammar|typos?"
              + "|convert (?:this|these|the)|reformat|format (?:this|these|the)|what is the capital"
              + "|define|definition|synonyms?|antonyms?|tag (?:this|these|each)|label (?:this|these"
              + "|each)|detect the language|which language|one word|one sentence|yes or no"
              + "|short reply|reply to (?:this|the) customer|thank-you note|title for|subject line"
              + "|hashtags?|action items|key points|spell out|alphabeti[sz]e|sort (?:these"
              + "|this|the) (?:words|names|list))\\b");
  static final Pattern DEMAND =
      Pattern.compile(
          "\\b(?:must|never|always|do not|don't|only|at most|at least|exactly|should|required?)\\b");
  static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

  // Each check below holds whenever its pattern could match (it looks for a character or a
  // literal every alternative of the pattern needs), so a message without one skips the pattern:
  // the whole-message patterns cost most on long pasted texts, which rarely have these.

  /** Whether {@link #STACK_TRACE} could match {@code text}. */
  static boolean mayHoldStackTrace(String text) {
    return text.contains("Error")
        || text.contains("Exception")
        || text.contains("Traceback")
        || text.contains("panic: ")
        || text.contains("segmentation fault")
        || text.contains("File \"")
        || text.contains("at ") && text.indexOf('(') >= 0;
  }

  /** Whether {@link #CODE_IDENTIFIER} could match {@code text}. */
  static boolean mayHoldCall(String text) {
    return text.indexOf('(') >= 0;
  }

  /** Whether {@link #MATH_NOTATION} could match {@code text}. */
  static boolean mayHoldNotation(String text) {
    return anyOf(text, "\\∫∑√∞≤≥≠∀∃∈π²³!") || text.contains("f(x)") || text.contains("dx");
  }

  /** Whether {@link #OPERATION} could match {@code text}. */
  static boolean mayHoldOperation(String text) {
    if (anyOf(text, "+*×÷^=<>≤≥")) {
      return true;
    }
    for (int i = 1; i < text.length() - 1; i++) {
      char c = text.charAt(i);
      if ((c == '-' || c == '/')
          && Character.isWhitespace(text.charAt(i - 1))
          && Character.isWhitespace(text.charAt(i + 1))) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyOf(String text, String chars) {
    for (int i = 0; i < text.length(); i++) {
      if (chars.indexOf(text.charAt(i)) >= 0) {
        return true;
      }
    }
    return false;
  }
}

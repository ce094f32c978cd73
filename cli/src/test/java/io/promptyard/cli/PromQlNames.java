package io.promptyard.cli;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression (an alerting rule's, a Grafana panel's) selects: every
 * identifier that is not a function, an aggregation, a keyword, a label name (in a selector's
 * braces or a {@code by}/{@code without}/{@code on}/{@code ignoring}/{@code group_*} list), a
 * number or a duration. Enough of PromQL for checking our own files, not a parser of the language.
 */
final class PromQlNames {

  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'");
  private static final Pattern BRACES = Pattern.compile("\\{[^}]*}");
  private static final Pattern BRACKETS = Pattern.compile("\\[[^]]*]");
  private static final Pattern LABEL_LIST =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern OFFSET = Pattern.compile("\\boffset\\s+-?[0-9a-z]+");
  private static final Pattern NUMBER =
      Pattern.compile("(?<![a-zA-Z_:0-9])(?:0x[0-9a-fA-F]+|[0-9]*\\.?[0-9]+(?:[eE][+-]?[0-9]+)?)");
  private static final Pattern IDENTIFIER =
      Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(?=\\s*(\\()?)");
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "bool",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "offset",
          "inf",
          "nan",
          "Inf",
          "NaN");
  // Grafana's label_values(metric, label): the label is not a metric.
  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\s*\\(([^,)]*)(?:,\\s*[a-zA-Z_][a-zA-Z0-9_]*)?\\s*\\)");

  private PromQlNames() {}

  /** The metric names {@code expr} selects, in the order they first appear. */
  static Set<String> of(String expr) {
    String rest = LABEL_VALUES.matcher(expr).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
    rest = STRING.matcher(rest).replaceAll(" ");
    rest = BRACES.matcher(rest).replaceAll(" ");
    rest = BRACKETS.matcher(rest).replaceAll(" ");
    rest = LABEL_LIST.matcher(rest).replaceAll(" ");
    rest = OFFSET.matcher(rest).replaceAll(" ");
    rest = NUMBER.matcher(rest).replaceAll(" ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = IDENTIFIER.matcher(rest);
    while (m.find()) {
      boolean called = m.group(1) != null;
      if (!called && !KEYWORDS.contains(m.group())) {
        names.add(m.group());
      }
    }
    return names;
  }
}

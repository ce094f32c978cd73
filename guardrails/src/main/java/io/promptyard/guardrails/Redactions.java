package io.promptyard.guardrails;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The placeholders of one request: each detected value gets {@code [TYPE_n]}, numbered per type in
 * the order first seen, and the same value gets the same placeholder in every message of the
 * request. The mapping back to the values, for {@link #restore}, lives only in this object: it is
 * never serialised, and {@link #toString} shows counts only.
 */
public final class Redactions {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\[[A-Z][A-Z_]*_[0-9]+\\]");

  private final Map<String, String> placeholderByValue = new HashMap<>();
  private final Map<String, String> valueByPlaceholder = new LinkedHashMap<>();
  private final Map<String, Integer> countByType = new HashMap<>();

  /** {@code text} with the span of each finding replaced by its value's placeholder. */
  public String apply(String text, List<Finding> findings) {
    StringBuilder out = new StringBuilder(text.length());
    int at = 0;
    for (Finding f :
        findings.stream().sorted(java.util.Comparator.comparingInt(Finding::start)).toList()) {
      if (f.start() < at) {
        continue; // overlaps one already replaced
      }
      out.append(text, at, f.start())
          .append(placeholder(f.type(), text.substring(f.start(), f.end())));
      at = f.end();
    }
    return out.append(text, at, text.length()).toString();
  }

  /** The placeholder of {@code value} as a {@code type}, assigned on first sight. */
  public String placeholder(String type, String value) {
    return placeholderByValue.computeIfAbsent(
        type + '\u0000' + value,
        k -> {
          int n = countByType.merge(type, 1, Integer::sum);
          String placeholder = "[" + type + "_" + n + "]";
          valueByPlaceholder.put(placeholder, value);
          return placeholder;
        });
  }

  /**
   * {@code answer} with every placeholder of this request put back to its value, in one pass: a
   * restored value is not read again, so a value that looks like a placeholder stays as it was.
   */
  public String restore(String answer) {
    return restore(answer, UnaryOperator.identity());
  }

  /**
   * {@code answer} with every placeholder of this request replaced by its value as {@code written}
   * writes it (escaped for the JSON string a placeholder stands in, say).
   */
  public String restore(String answer, UnaryOperator<String> written) {
    if (answer == null || valueByPlaceholder.isEmpty()) {
      return answer;
    }
    Matcher m = PLACEHOLDER.matcher(answer);
    StringBuilder out = new StringBuilder(answer.length());
    while (m.find()) {
      String value = valueByPlaceholder.get(m.group());
      m.appendReplacement(
          out, Matcher.quoteReplacement(value == null ? m.group() : written.apply(value)));
    }
    return m.appendTail(out).toString();
  }

  /** How many placeholders ({@code [TYPE_n]}) {@code text} holds, whoever's they are. */
  public static int placeholdersIn(String text) {
    return text == null ? 0 : (int) PLACEHOLDER.matcher(text).results().count();
  }

  /** The mapping back to the values, for {@link RestoreKey#seal} only. */
  Map<String, String> valueByPlaceholder() {
    return java.util.Collections.unmodifiableMap(valueByPlaceholder);
  }

  /**
   * The redactions whose mapping back is {@code valueByPlaceholder}, as {@link RestoreKey#open}
   * read it.
   */
  static Redactions of(Map<String, String> valueByPlaceholder) {
    Redactions r = new Redactions();
    r.valueByPlaceholder.putAll(valueByPlaceholder);
    return r;
  }

  /** How many distinct values were replaced. */
  public int size() {
    return valueByPlaceholder.size();
  }

  @Override
  public String toString() {
    return "Redactions" + countByType;
  }
}

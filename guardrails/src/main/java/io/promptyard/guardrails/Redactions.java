package io.promptyard.guardrails;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The placeholders of one request: each detected value gets {@code [TYPE_n]}, numbered per type in
 * the order first seen, and the same value gets the same placeholder in every message of the
 * request. The mapping back to the values, for {@link #restore}, lives only in this object: it is
 * never serialised, and {@link #toString} shows counts only.
 */
public final class Redactions {

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

  /** {@code answer} with every placeholder of this request put back to its value. */
  public String restore(String answer) {
    String restored = answer;
    for (Map.Entry<String, String> e : valueByPlaceholder.entrySet()) {
      restored = restored.replace(e.getKey(), e.getValue());
    }
    return restored;
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

package io.promptyard.usage.totals;

import io.promptyard.schemas.UsageEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The finer dimensions a team's usage is broken down by: the request's user, its prompt template
 * (name and version) and its tags. Their values come from producers, so each is bounded: every part
 * (user, template name, template version, tag key, tag value) is cut to {@link #MAX_PART_CHARS}
 * characters (ending with {@code …}), and {@link LabelBound} keeps at most a set number of distinct
 * values per team, dimension and month, folding the rest into {@link #OTHER}.
 */
public enum Breakdown {
  USER,
  TEMPLATE,
  TAG;

  /** The longest part of a label kept; longer parts are cut and end with {@code …}. */
  public static final int MAX_PART_CHARS = 64;

  /** The most tags of one request counted (the first by key); the router allows more. */
  public static final int MAX_TAGS_COUNTED = 16;

  /** The row of a team's values beyond the bound. */
  public static final String OTHER = "(other)";

  /** The row of requests without a value (no user, no template, no tags). */
  public static final String NONE = "(none)";

  private final String label = name().toLowerCase(Locale.ROOT);

  /**
   * The lower-case name used in the API and the CLI ({@code user}, {@code template}, {@code tag}).
   */
  public String label() {
    return label;
  }

  /** The dimension of these totals in store keys and records, e.g. {@code team-user}. */
  public String dimension() {
    return "team-" + label;
  }

  /** The dimension named {@code label}; a clear error for anything else. */
  public static Breakdown of(String label) {
    for (Breakdown b : values()) {
      if (b.label.equals(label)) {
        return b;
      }
    }
    throw new IllegalArgumentException(
        "usage is broken down by user, template or tag, not '" + label + "'");
  }

  /**
   * The values an event counts under in this dimension: one for user and template, one per {@code
   * key=value} for tags (so a request with two tags counts under both, and tag rows add up to more
   * than the team's total).
   */
  public List<String> values(UsageEvent e) {
    return switch (this) {
      case USER -> List.of(e.getUser() == null ? NONE : cut(e.getUser()));
      case TEMPLATE ->
          List.of(
              e.getTemplate() == null
                  ? NONE
                  : e.getTemplateVersion() == null
                      ? cut(e.getTemplate())
                      : cut(e.getTemplate()) + "@" + cut(e.getTemplateVersion()));
      case TAG -> tags(e.getTags());
    };
  }

  private static List<String> tags(Map<String, String> tags) {
    if (tags.isEmpty()) {
      return List.of(NONE);
    }
    List<String> values = new ArrayList<>();
    for (Map.Entry<String, String> tag : new TreeMap<>(tags).entrySet()) {
      if (values.size() == MAX_TAGS_COUNTED) {
        break;
      }
      String value = cut(tag.getKey()) + "=" + cut(tag.getValue());
      if (!values.contains(value)) { // two long keys may cut to the same label
        values.add(value);
      }
    }
    return values;
  }

  static String cut(String part) {
    if (part.length() <= MAX_PART_CHARS) {
      return part;
    }
    int end = MAX_PART_CHARS - 1;
    if (Character.isHighSurrogate(part.charAt(end - 1))) {
      end--; // never half a character
    }
    return part.substring(0, end) + "…";
  }
}

package io.promptyard.templates;

import java.util.Comparator;
import java.util.regex.Pattern;

/**
 * A template's name and version, written {@code name@version}: the key of the templates topic and
 * the form error messages use. Versions compare part by part ({@code 1.10} after {@code 1.9}),
 * numerically where both parts are numbers.
 */
public record TemplateId(String name, String version) {

  private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9._:-]+");

  /** Orders versions so that the last one is the latest. */
  public static final Comparator<String> VERSION_ORDER = TemplateId::compareVersions;

  public TemplateId {
    check("name", name);
    check("version", version);
  }

  /** Parses {@code name@version}. */
  public static TemplateId parse(String key) {
    int at = key == null ? -1 : key.lastIndexOf('@');
    if (at <= 0 || at == key.length() - 1) {
      throw new IllegalArgumentException(
          "'" + key + "' is not a template key of the form name@version");
    }
    return new TemplateId(key.substring(0, at), key.substring(at + 1));
  }

  /** The topic key, {@code name@version}. */
  public String key() {
    return name + "@" + version;
  }

  @Override
  public String toString() {
    return key();
  }

  private static void check(String what, String value) {
    if (value == null || !LEGAL.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "template "
              + what
              + " '"
              + value
              + "' must be letters, digits, '.', '_', ':' or '-' (and not empty)");
    }
  }

  private static int compareVersions(String a, String b) {
    String[] x = a.split("[.\\-]");
    String[] y = b.split("[.\\-]");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c =
          x[i].matches("\\d{1,18}") && y[i].matches("\\d{1,18}")
              ? Long.compare(Long.parseLong(x[i]), Long.parseLong(y[i]))
              : x[i].compareTo(y[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  }
}

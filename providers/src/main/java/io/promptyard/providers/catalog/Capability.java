package io.promptyard.providers.catalog;

import java.util.Locale;

/** Something a model can do that a request may require. */
public enum Capability {
  VISION,
  TOOLS,
  JSON_SCHEMA,
  STREAMING;

  /** Parses a catalog or request spelling such as {@code json_schema}. */
  public static Capability parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown capability '" + text + "' (vision, tools, json_schema, streaming)");
    }
  }
}

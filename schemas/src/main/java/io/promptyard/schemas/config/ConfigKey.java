package io.promptyard.schemas.config;

import java.util.Objects;

/**
 * One configuration key: its environment-variable name, default (null when required or optional
 * without default) and one line of documentation. Each service declares its keys in one class.
 */
public record ConfigKey(String name, String defaultValue, String doc) {
  public ConfigKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(doc, "doc");
  }
}

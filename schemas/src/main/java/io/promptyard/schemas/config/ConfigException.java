package io.promptyard.schemas.config;

/** A configuration value is missing or malformed; the message names the key and what it expects. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  /** {@code key}'s {@code value} is below {@code min}. */
  public static ConfigException atLeast(ConfigKey key, Object value, long min) {
    return new ConfigException(
        key.name() + "=" + value + " must be at least " + min + ": " + key.doc());
  }

  /** {@code key}'s {@code value} is above {@code max}. */
  public static ConfigException atMost(ConfigKey key, Object value, long max) {
    return new ConfigException(
        key.name() + "=" + value + " must be at most " + max + ": " + key.doc());
  }
}

package io.promptyard.schemas.config;

/** A configuration value is missing or malformed; the message names the key and what it expects. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}

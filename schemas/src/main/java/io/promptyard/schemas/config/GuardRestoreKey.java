package io.promptyard.schemas.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The AES-256 key the router seals a request's placeholder mapping with and the workers open it
 * with (the guard's {@code restore} mode): base64 of 32 random bytes, given in {@link #KEY} or in
 * the file {@link #FILE} names, not both. An error names the key and the problem, never the value.
 */
public final class GuardRestoreKey {

  public static final ConfigKey KEY =
      new ConfigKey(
          "PROMPTYARD_GUARD_RESTORE_KEY",
          null,
          "base64 of the 256-bit AES key, shared by the router and the workers, that seals a redacted request's placeholder mapping for the guard's restore mode (generate one with `openssl rand -base64 32`); unset: restore is not possible and answers keep their placeholders");

  public static final ConfigKey FILE =
      new ConfigKey(
          "PROMPTYARD_GUARD_RESTORE_KEY_FILE",
          null,
          "a file holding PROMPTYARD_GUARD_RESTORE_KEY's value, instead of the variable");

  /** Both keys, for the reference of the router's and the worker's configuration. */
  public static final List<ConfigKey> KEYS = List.of(KEY, FILE);

  private GuardRestoreKey() {}

  /** The key's 32 bytes; empty when neither variable is set. */
  public static Optional<byte[]> from(Settings s) {
    Optional<String> value = s.get(KEY);
    Optional<String> file = s.get(FILE);
    if (value.isPresent() && file.isPresent()) {
      throw new ConfigException(
          KEY.name() + " and " + FILE.name() + " are both set: set one of them");
    }
    if (file.isPresent()) {
      try {
        return Optional.of(
            decode(FILE, Files.readString(Path.of(file.get()), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        // an IOException's message names the file, never its content
        throw new ConfigException(
            FILE.name() + ": cannot read " + file.get() + ": " + e.getMessage());
      }
    }
    return value.map(v -> decode(KEY, v));
  }

  private static byte[] decode(ConfigKey key, String base64) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          key.name() + " is not base64 (generate a key with `openssl rand -base64 32`)");
    }
    if (raw.length != 32) {
      throw new ConfigException(
          key.name()
              + " must be 32 bytes (a 256-bit AES key) in base64, was "
              + raw.length
              + " bytes (generate one with `openssl rand -base64 32`)");
    }
    return raw;
  }
}

package io.promptyard.router.guard;

import io.promptyard.guardrails.GuardPolicy;
import io.promptyard.guardrails.RestoreKey;
import io.promptyard.schemas.config.ConfigException;
import io.promptyard.schemas.config.ConfigKey;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The guard policy the router inspects requests under, from {@link #KEY}, for every team without a
 * policy of its own on the guard-policies topic: the documented default policy, none (the guard
 * stage is off, and team policies with it), or a JSON policy file read once at start-up.
 *
 * @param name how it was set: {@code default}, {@code off} or the policy file's path
 * @param policy the policy; empty when the guard is off
 * @param restoreKey the key that seals a redacted request's placeholder mapping for the guard's
 *     restore mode ({@code PROMPTYARD_GUARD_RESTORE_KEY}); empty when none is configured
 */
public record GuardSetting(
    String name, Optional<GuardPolicy> policy, Optional<RestoreKey> restoreKey) {

  /** A setting without a restore key. */
  public GuardSetting(String name, Optional<GuardPolicy> policy) {
    this(name, policy, Optional.empty());
  }

  /** This setting with {@code key} sealing placeholder mappings. */
  public GuardSetting withRestoreKey(Optional<RestoreKey> key) {
    return new GuardSetting(name, policy, key);
  }

  public static final ConfigKey KEY =
      new ConfigKey(
          "PROMPTYARD_GUARD_POLICY",
          "default",
          "guard policy requests are inspected under before routing, for teams without a policy of their own: default, off (no guard, team policies included), or the path of a JSON policy file");

  /** The documented {@linkplain GuardPolicy#DEFAULT default policy}. */
  public static final GuardSetting DEFAULT =
      new GuardSetting("default", Optional.of(GuardPolicy.DEFAULT));

  /** No guard stage: requests are routed as they came. */
  public static final GuardSetting OFF = new GuardSetting("off", Optional.empty());

  /**
   * The setting {@code value} names; a policy file that is missing, unreadable or not a valid
   * policy fails naming the file and the problem.
   */
  public static GuardSetting parse(String value) {
    String v = value.trim();
    if (v.equals(DEFAULT.name())) {
      return DEFAULT;
    }
    if (v.equals(OFF.name())) {
      return OFF;
    }
    Path file = Path.of(v);
    try {
      return new GuardSetting(v, Optional.of(GuardPolicy.read(file)));
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          KEY.name() + ": policy file " + file + " does not exist (default, off, or a file)");
    } catch (IOException e) {
      throw new ConfigException(KEY.name() + ": cannot read policy file " + file + ": " + e);
    } catch (IllegalArgumentException e) {
      // GuardPolicy.read's message starts with the file's name
      throw new ConfigException(KEY.name() + ": " + e.getMessage());
    }
  }
}
